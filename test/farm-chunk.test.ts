/** scripts/farm-chunk.sh (docs/farm.md): the frame range and part name each farm task hands to `autoroto sky`. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';

/** Runs the script with `echo` standing in for autoroto: what it would have run, its stderr and exit code. */
function chunk(...args: string[]): { command: string; stderr: string; status: number | null } {
  const run = spawnSync('bash', ['scripts/farm-chunk.sh', ...args], { env: { ...process.env, AUTOROTO: 'echo autoroto' }, encoding: 'utf8' });
  return { command: run.stdout.trim(), stderr: run.stderr, status: run.status };
}

describe('farm-chunk.sh', () => {
  it('runs each chunk on by the overlap, clamped to the shot, named by its first frame', () => {
    assert.equal(chunk('shot.mp4', '0', '2399', '0', '199', '8', 'parts').command,
      'autoroto sky shot.mp4 --frames 0-207 --out parts/part-000000');
    assert.equal(chunk('shot.mp4', '0', '2399', '2200', '2399', '8', 'parts', '--tolerance', '1.5').command,
      'autoroto sky shot.mp4 --frames 2200-2399 --out parts/part-002200 --tolerance 1.5');
  });

  it('skips a last chunk that the previous chunk\'s overlap already covers', () => {
    const run = chunk('shot.mp4', '0', '2404', '2400', '2404', '8', 'parts');
    assert.deepEqual([run.status, run.command], [0, '']);
    assert.match(run.stderr, /inside the previous chunk's overlap/);
  });

  it('refuses chunks outside the shot and bad numbers with exit 2', () => {
    assert.equal(chunk('shot.mp4', '0', '99', '90', '120', '8', 'parts').status, 2);
    assert.equal(chunk('shot.mp4', '0', '99', 'x', '10', '8', 'parts').status, 2);
    assert.equal(chunk('shot.mp4').status, 2);
  });
});
