// Copies the pinned front-end dependencies (package-lock.json) into public/vendor/ so the widget
// server serves them itself: no CDN, no third-party request at run time.
//   cd web && npm ci && node build.mjs      (or: npm run build)
import { copyFileSync, mkdirSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const vendor = join(here, 'public', 'vendor');

const files = [
  { pkg: 'socket.io-client', from: 'dist/socket.io.min.js', to: 'socket.io.min.js' },
  { pkg: 'axe-core', from: 'axe.min.js', to: 'axe.min.js', devOnly: true },
];

mkdirSync(vendor, { recursive: true });
const versions = {};
let missing = 0;
for (const f of files) {
  const pkgDir = join(here, 'node_modules', f.pkg);
  const src = join(pkgDir, f.from);
  if (!existsSync(src)) {
    if (f.devOnly && process.env.NODE_ENV === 'production') continue;
    console.error(`build: ${f.pkg} is not installed (${src}). Run "npm ci" in web/ first.`);
    missing += 1;
    continue;
  }
  copyFileSync(src, join(vendor, f.to));
  versions[f.pkg] = JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8')).version;
  console.log(`build: ${f.pkg}@${versions[f.pkg]} -> public/vendor/${f.to}`);
}
writeFileSync(join(vendor, 'versions.json'), JSON.stringify(versions, null, 2) + '\n');
if (missing) process.exit(1);
