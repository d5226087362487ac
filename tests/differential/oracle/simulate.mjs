// Runs a batch of simulations through @cloud-copilot/iam-simulate, the differential tests'
// oracle: one JSON array of simulations on stdin, one JSON array of results on stdout, in
// order. argv[2] is the folder the oracle was installed into (npm ci --prefix DIR).
import { createRequire } from 'node:module'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'

const prefix = process.argv[2]
const require = createRequire(join(prefix, 'package.json'))
const entry = require.resolve('@cloud-copilot/iam-simulate').replace(/cjs[\\/]index\.js$/, 'esm/index.js')
const { runSimulation } = await import(pathToFileURL(entry).href)

const chunks = []
for await (const chunk of process.stdin) chunks.push(chunk)
const simulations = JSON.parse(Buffer.concat(chunks).toString('utf8'))

const results = []
for (const simulation of simulations) {
  try {
    const response = await runSimulation(simulation, { simulationMode: 'Strict' })
    if (response.resultType === 'error') {
      results.push({ error: JSON.stringify(response.errors) })
    } else {
      const ignored = response.resultType === 'single' ? response.result.ignoredContextKeys ?? [] : []
      results.push({ result: response.overallResult, ignored })
    }
  } catch (error) {
    results.push({ error: String(error && error.stack ? error.stack : error) })
  }
}
process.stdout.write(JSON.stringify(results))
