#!/usr/bin/env node
// CommonJS (bin/package.json); the simulator itself is an ES module.
'use strict';
void import('../dist/sim/cli.js');
