// Copies the icons (one source: icons/) into dist/icons/, where the nodes and credentials point with
// `file:../../icons/…` and `file:../icons/…` (n8n resolves `file:` icons next to the compiled file).
const path = require('node:path');
const { task, src, dest } = require('gulp');

function copyIcons() {
	return new Promise((resolve, reject) =>
		src(path.resolve('icons', '*.{png,svg}'), { encoding: false })
			.pipe(dest(path.resolve('dist', 'icons')))
			.on('finish', resolve)
			.on('error', reject),
	);
}

task('build:icons', copyIcons);
