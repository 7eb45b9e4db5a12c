#!/usr/bin/env node
// The bin was this file before it became bin/fetchwright.js (plain JavaScript, so that it can check
// the Node version first). npx keeps bin links in its cache per checkout, and older links point
// here: this keeps them, and `node bin/fetchwright.ts`, working. Not in the package.
import './fetchwright.js';
