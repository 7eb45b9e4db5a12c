import { describe, expect, it } from 'vitest';
import { docutilsId, rstInline, rstSections } from './rst-sections.ts';

/** A reStructuredText reference read as Sphinx would show it: titles with docutils' ids, prose, table rows, code blocks. */
describe('rstSections', () => {
  it('titles: levels in the order each adornment style first appears (overline+underline apart from underline alone), anchors as docutils makes ids', () => {
    const rst = [
      '.. _top-label:',
      '',
      '=======================',
      ' 3.1 Acme *Directory* API',
      '=======================',
      '',
      'Intro.',
      '',
      'GET /v1/users',
      '=============',
      '',
      'Paging & limits',
      '---------------',
      '',
      'Errors',
      '======',
      '',
      'Über Café',
      '---------',
      '',
      'Errors',
      '------',
      '',
      '1. Getting started',
      '------------------',
      '',
      '>>> session()',
      '-------------',
      '',
      'Short',
      '===',
      '',
      'Not a title: its underline is shorter than it and than 4 characters.',
    ].join('\n');
    const s = rstSections(rst);
    expect(s.map((x) => [x.heading, x.level, x.anchor])).toEqual([
      ['3.1 Acme Directory API', 1, '#acme-directory-api'],
      ['GET /v1/users', 2, '#get-v1-users'],
      ['Paging & limits', 3, '#paging-limits'],
      ['Errors', 2, '#errors'],
      ['Über Café', 3, '#uber-cafe'],
      ['Errors', 3, '#id1'],
      ['1. Getting started', 3, '#getting-started'],
    ]);
    expect(s[0]!.prose).toEqual(['Intro.']);
    // A line that starts a doctest block is one, whatever is under it.
    expect(s.at(-1)!.code).toEqual(['>>> session()\n-------------']);
    expect(s.at(-1)!.prose).toEqual(['Short ===', 'Not a title: its underline is shorter than it and than 4 characters.']);
  });

  it('a label before a title is an id of its section: a later title of that name gets another', () => {
    const s = rstSections(['.. _errors:', '', 'Failures', '========', '', 'Errors', '======', ''].join('\n'));
    expect(s.map((x) => x.anchor)).toEqual(['#failures', '#id1']);
  });

  it('paragraphs with inline markup dropped; lists, definitions, fields, line blocks and admonitions as prose; comments and targets dropped', () => {
    const rst = [
      'Users',
      '=====',
      '',
      'Call ``GET /v1/users`` with **care**; see *the* `guide <https://x.example/g>`_, :ref:`paging <paging-label>`,',
      ':py:func:`~acme.client.list_users`, |product| and `Paging`_ [1]_. An escaped \\*star\\*.',
      '',
      '.. This comment is not shown,',
      '   nor its indented lines.',
      '',
      '- first item',
      '  continued',
      '',
      '  * nested item',
      '',
      '#. numbered',
      '(b) lettered',
      '',
      'term : classifier',
      '   Its definition.',
      '',
      ':page: The page to return,',
      '   starting at 1.',
      ':per_page: At most 100.',
      '',
      '| A line block',
      '| of two lines.',
      '',
      '.. note:: Tokens expire',
      '   after an hour.',
      '',
      '.. warning::',
      '',
      '   Keep them secret.',
      '',
      '.. _Paging: https://x.example/paging',
      '.. |product| replace:: Acme',
      '..',
      '',
      '   A block quote after an empty comment.',
    ].join('\n');
    const s = rstSections(rst);
    expect(s).toHaveLength(1);
    expect(s[0]!.prose).toEqual([
      'Call GET /v1/users with care; see the guide, paging, list_users, product and Paging. An escaped *star*.',
      'first item continued',
      'nested item',
      'numbered',
      'lettered',
      'term : classifier',
      'Its definition.',
      'page: The page to return, starting at 1.',
      'per_page: At most 100.',
      'A line block',
      'of two lines.',
      'Tokens expire after an hour.',
      'Keep them secret.',
      'A block quote after an empty comment.',
    ]);
    expect(s[0]!.code).toEqual([]);
  });

  it('code: literal blocks after `::` (expanded, partly and fully minimized, quoted), code-block/code/sourcecode directives, doctest blocks as Sphinx shows them', () => {
    const rst = [
      'GET /v1/users',
      '=============',
      '',
      'The response::',
      '',
      '    {"users": []}',
      '',
      'A request ::',
      '',
      '    GET /v1/users HTTP/1.1',
      '',
      '      Host: api.acme.example',
      '',
      'Paging:',
      '',
      '::',
      '',
      '    page=2',
      '',
      'Quoted::',
      '',
      '> line one',
      '> line two',
      '',
      '.. code-block:: bash',
      '   :caption: with curl',
      '',
      '   curl -H "Authorization: Bearer $TOKEN" \\',
      '     https://api.acme.example/v1/users',
      '',
      '.. code:: json',
      '',
      '   {"a": 1}',
      '',
      '.. sourcecode:: python',
      '',
      '   client.users()',
      '',
      'A session:',
      '',
      '    >>> dump_json(\'http://localhost:9001/3.0/users\')  # doctest: +ELLIPSIS',
      '    entry 0:',
      '        user_id: 1',
      '    <BLANKLINE>',
      '    total_size: 1',
      '',
      '>>> print(1)',
      '1',
    ].join('\n');
    const s = rstSections(rst);
    expect(s[0]!.prose).toEqual(['The response:', 'A request', 'Paging:', 'Quoted:', 'A session:']);
    expect(s[0]!.code).toEqual([
      '{"users": []}',
      'GET /v1/users HTTP/1.1\n\n  Host: api.acme.example',
      'page=2',
      '> line one\n> line two',
      'curl -H "Authorization: Bearer $TOKEN" \\\n  https://api.acme.example/v1/users',
      '{"a": 1}',
      'client.users()',
      ">>> dump_json('http://localhost:9001/3.0/users')\nentry 0:\n    user_id: 1\n\ntotal_size: 1",
      '>>> print(1)\n1',
    ]);
    expect(s[0]!.before).toEqual(['The response:', 'A request', 'Paging:', 'Quoted:', 'Quoted:', 'Quoted:', 'Quoted:', 'A session:', 'A session:']);
  });

  it('tables: grid (multi-line cells joined), simple (continuation lines), list-table and csv-table, a row a line, cells joined by ` | `', () => {
    const rst = [
      '+----------+------------------+',
      '| Name     | Description      |',
      '+==========+==================+',
      '| page     | The page, from   |',
      '|          | **1**            |',
      '+----------+------------------+',
      '| per_page | At most 100      |',
      '+----------+------------------+',
      '',
      '=========  =====================',
      'Method     Path',
      '=========  =====================',
      'GET        /v1/users',
      'GET        /v1/groups',
      '           (every group)',
      '=========  =====================',
      '',
      '.. list-table:: Parameters',
      '   :header-rows: 1',
      '',
      '   * - Name',
      '     - Description',
      '   * - cursor',
      '     - The ``next_cursor`` of',
      '       the last page',
      '',
      '.. csv-table::',
      '   :header: "Name", "Type"',
      '',
      '   limit, "integer, at most 50"',
    ].join('\n');
    expect(rstSections(rst)[0]!.prose).toEqual([
      'Name | Description',
      'page | The page, from 1',
      'per_page | At most 100',
      'Method | Path',
      'GET | /v1/users',
      'GET | /v1/groups (every group)',
      'Parameters',
      'Name | Description',
      'cursor | The next_cursor of the last page',
      'Name | Type',
      'limit | integer, at most 50',
    ]);
  });

  it('an httpdomain directive (`.. http:get:: /v1/users`) is a section of its request under the section it is in', () => {
    const rst = ['Users', '=====', '', '.. http:get:: /v1/users', '', '   Lists users.', '', '   :query page: The page.', '', '   .. sourcecode:: http', '', '      GET /v1/users HTTP/1.1'].join('\n');
    const s = rstSections(rst);
    expect(s.map((x) => [x.heading, x.level, x.anchor])).toEqual([
      ['Users', 1, '#users'],
      ['GET /v1/users', 2, '#get-v1-users'],
    ]);
    expect(s[1]).toMatchObject({ prose: ['Lists users.', 'query page: The page.'], code: ['GET /v1/users HTTP/1.1'] });
  });

  it('drops what shows nothing of its own or would read another file', () => {
    const rst = ['.. include:: /etc/passwd', '.. literalinclude:: secrets.py', '.. raw:: html', '', '   <script>fetch("https://evil.example")</script>', '', '.. toctree::', '', '   users', '', '.. image:: x.png', '', 'Shown.'].join('\n');
    expect(rstSections(rst)).toEqual([{ heading: '', level: 0, anchor: '', prose: ['Shown.'], code: [], before: [] }]);
  });

  it('stays bounded on a hostile document (200,000 titles, nesting 2,000 deep, one huge paragraph of markup)', () => {
    expect(rstSections('T\n====\n\n'.repeat(200_000)).length).toBeLessThanOrEqual(2_000);
    const deep = Array.from({ length: 2_000 }, (_, i) => `${' '.repeat(i)}- item ${i}`).join('\n');
    const s = rstSections(deep);
    expect(s[0]!.prose.length).toBeGreaterThan(0);
    expect(s[0]!.prose.length).toBeLessThan(40);
    expect(rstSections('**a *b `c '.repeat(200_000))[0]!.prose[0]!.length).toBeLessThanOrEqual(20_000);
  });
});

describe('docutilsId and rstInline', () => {
  it('ids as docutils makes them: lower case, accents dropped, other runs as one dash, leading digits and dashes trimmed', () => {
    expect(docutilsId('GET /3.0/users/{user_id}')).toBe('get-3-0-users-user-id');
    expect(docutilsId('3.1 -- Paging')).toBe('paging');
    expect(docutilsId('Ça marche!')).toBe('ca-marche');
    expect(docutilsId('???')).toBe('');
  });

  it('inline markup as the text it shows', () => {
    expect(rstInline('`a link`__ and word_ and `Title <target_>`_ and :code:`x` and `y`:code: and ``**kept**``')).toBe('a link and word and Title and x and y and **kept**');
  });
});
