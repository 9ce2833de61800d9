#!/usr/bin/env node
// sockfd's install script. The tarball carries prebuilt binaries (prebuilds/<platform>-<arch>/, made by
// `npm run prebuild`); if one loads here, there is nothing to do. Otherwise the addon is compiled with
// node-gyp against the running Node's own headers, never downloading anything. If that cannot work, one
// paragraph says what is missing and which command fixes it.
//
// CommonJS on purpose: it runs before anything is compiled, under whatever Node the user has.
'use strict';

const { spawnSync } = require('node:child_process');
const { existsSync } = require('node:fs');
const { homedir } = require('node:os');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const target = `${process.platform}-${process.arch}`;

// A binary that loads, among build/Release and prebuilds/ (node-gyp-build's own order).
function loadable() {
  try {
    require(require('node-gyp-build').resolve(root));
    return true;
  } catch {
    return false;
  }
}

// Where node-gyp finds Node's headers without a download: npm's nodedir, the headers installed beside
// the running node (official tarballs, nvm, Debian's /usr/include/node), or node-gyp's own cache.
function headers() {
  if (process.env.npm_config_nodedir) return { args: [] };
  const beside = path.resolve(process.execPath, '..', '..');
  if (existsSync(path.join(beside, 'include', 'node', 'node_api.h'))) return { args: [`--nodedir=${beside}`] };
  const cache = path.join(process.env.XDG_CACHE_HOME || path.join(homedir(), '.cache'), 'node-gyp', process.versions.node);
  if (existsSync(path.join(cache, 'include', 'node', 'node_api.h'))) return { args: [] };
  return { missing: `Node's headers (looked for ${path.join(beside, 'include', 'node')})` };
}

function works(command) {
  const r = spawnSync(command, ['--version'], { stdio: 'ignore', shell: false });
  return r.status === 0;
}

function fail(missing) {
  process.stderr.write(
    `\nsockfd: there is no prebuilt binary for ${target} in this package (it ships linux-x64 and ` +
      `linux-arm64, glibc), and it cannot be compiled here: ${missing}. Install a C++ toolchain ` +
      `(Debian/Ubuntu: apt-get install g++ make python3; Fedora: dnf install gcc-c++ make python3) ` +
      `and Node's headers (they come with the official Node ` +
      `tarballs and nvm; or set npm_config_nodedir), then run \`npm rebuild sockfd\`. sockfd never ` +
      `downloads anything at install time.\n\n`,
  );
  process.exit(1);
}

function main() {
  // In a git checkout (sockfd's own clone) always compile: prebuilds/ there may be older than native/.
  const clone = existsSync(path.join(root, '.git'));
  const fromSource = process.env.npm_config_build_from_source === 'true';
  if (!clone && !fromSource && loadable()) process.exit(0);

  const missing = [];
  const cxx = process.env.CXX || 'c++';
  if (!works(cxx)) missing.push(`a C++ compiler (${cxx})`);
  if (!works('make')) missing.push('make');
  if (!works('python3') && !works('python')) missing.push('Python 3');
  const found = headers();
  if (found.missing) missing.push(found.missing);
  if (missing.length > 0) fail(`${missing.join(', ')} ${missing.length > 1 ? 'are' : 'is'} missing`);

  // npm runs install scripts with its own node-gyp in npm_config_node_gyp; other managers put one on PATH.
  const gyp = process.env.npm_config_node_gyp;
  const [command, args] = gyp ? [process.execPath, [gyp]] : ['node-gyp', []];
  const build = spawnSync(command, [...args, 'rebuild', ...found.args], { cwd: root, stdio: 'inherit' });
  if (build.error) fail(`node-gyp did not start (${build.error.message})`);
  process.exit(build.status ?? 1);
}

// Run by npm as the install script; bench/holders/run.sh requires it for headers() alone.
if (require.main === module) main();
module.exports = { headers };
