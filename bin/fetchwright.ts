#!/usr/bin/env node
// The bin was this file before it became bin/fetchwright.js (plain JavaScript, so that it can check
// the Node version first). npx keeps bin links in its cache per checkout, and older links point
// here: this keeps them working on Node 24. Run directly, use bin/fetchwright.js: an older Node
// refuses a .ts file before any of fetchwright's code can run. Not in the package.
import './fetchwright.js';
