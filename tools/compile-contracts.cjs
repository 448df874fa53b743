// Compiles contracts/src/*.sol with solc-js in standard-JSON mode and writes one artifact per
// contract: <out>/<Name>.json = { abi, bytecode, deployedBytecode }, the shape alloy's `sol!`
// reads. Run through `cargo xtask contracts`; usage: node compile-contracts.cjs <src> <out>.
// Calling the module's `compile` (not the solcjs command) keeps stdout free of its banner.
'use strict';

const fs = require('fs');
const path = require('path');
const solc = require('solc');

// The EVM version is pinned: anvil 1.7 supports it, and artifacts must not change with the
// compiler's default.
const SETTINGS = {
  optimizer: { enabled: true, runs: 200 },
  evmVersion: 'cancun',
  outputSelection: { '*': { '*': ['abi', 'evm.bytecode.object', 'evm.deployedBytecode.object'] } },
};

function main() {
  const [src, out] = process.argv.slice(2);
  if (!src || !out) {
    console.error('usage: node compile-contracts.cjs <src dir> <out dir>');
    process.exit(2);
  }
  const sources = {};
  for (const name of fs.readdirSync(src).filter((file) => file.endsWith('.sol')).sort()) {
    sources[name] = { content: fs.readFileSync(path.join(src, name), 'utf8') };
  }
  const input = { language: 'Solidity', sources, settings: SETTINGS };
  const output = JSON.parse(solc.compile(JSON.stringify(input)));
  let failed = false;
  for (const error of output.errors || []) {
    console.error(error.formattedMessage || error.message);
    if (error.severity === 'error') failed = true;
  }
  if (failed) process.exit(1);
  fs.mkdirSync(out, { recursive: true });
  // Artifacts of contracts that no longer exist must not linger.
  for (const old of fs.readdirSync(out).filter((file) => file.endsWith('.json'))) {
    fs.unlinkSync(path.join(out, old));
  }
  const written = [];
  for (const file of Object.keys(output.contracts || {}).sort()) {
    for (const [name, contract] of Object.entries(output.contracts[file])) {
      const artifact = {
        abi: contract.abi,
        bytecode: '0x' + contract.evm.bytecode.object,
        deployedBytecode: '0x' + contract.evm.deployedBytecode.object,
      };
      fs.writeFileSync(path.join(out, `${name}.json`), JSON.stringify(artifact, null, 2) + '\n');
      written.push(`${name} (${contract.evm.deployedBytecode.object.length / 2} bytes)`);
    }
  }
  console.error(`solc ${solc.version()}: ${written.join(', ')}`);
}

main();
