// Copies the node and credential icons next to the compiled files, where n8n resolves `file:` icons.
const path = require('node:path');
const { task, src, dest } = require('gulp');

function copyIcons() {
	const nodeSource = path.resolve('nodes', '**', '*.{png,svg}');
	const credentialSource = path.resolve('credentials', '**', '*.{png,svg}');
	return Promise.all([
		new Promise((resolve, reject) =>
			src(nodeSource, { encoding: false }).pipe(dest(path.resolve('dist', 'nodes'))).on('finish', resolve).on('error', reject),
		),
		new Promise((resolve, reject) =>
			src(credentialSource, { encoding: false }).pipe(dest(path.resolve('dist', 'credentials'))).on('finish', resolve).on('error', reject),
		),
	]);
}

task('build:icons', copyIcons);
