import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { displayPath } from '../../src/startup/display-path';

describe('paths in the start-up banner', () => {
  it('are relative inside the working directory, ~/ under home, absolute elsewhere: never ../../', () => {
    assert.equal(displayPath('/srv/relay/.tools/temporal', '/srv/relay', '/root'), '.tools/temporal');
    assert.equal(displayPath('/root/.pyenv/shims/temporal', '/home/dev/wp-ai-relay', '/root'), '~/.pyenv/shims/temporal');
    assert.equal(displayPath('/usr/local/bin/temporal', '/home/dev/wp-ai-relay', '/root'), '/usr/local/bin/temporal');
  });
});
