#!/usr/bin/env node
// Stable entry for the `grantor` command (exists before the build, so installs can link it); the CLI itself is
// compiled to dist/cli.js by `pnpm build`.
const { main } = await import("../dist/cli.js");
process.exitCode = await main(process.argv.slice(2), process.env);
