// Runs Pact's own verifier (@pact-foundation/pact, its prebuilt core) as a consumer's CI would, in a process of its
// own so that its output is captured whole: node verify.js PROVIDER_URL STATES_URL NAMESPACE PACT_FILE...
import { Verifier } from '@pact-foundation/pact'

const [providerBaseUrl, providerStatesSetupUrl, namespace, ...pactUrls] = process.argv.slice(2)
try {
  const result = await new Verifier({
    providerBaseUrl: providerBaseUrl!,
    pactUrls,
    providerStatesSetupUrl,
    // Reaches the state changes and the interactions alike: one namespace per verification.
    customProviderHeaders: [`X-Mock-Namespace: ${namespace!}`],
    logLevel: 'error'
  }).verifyProvider()
  process.stdout.write(`\nVERIFIED ${typeof result === 'string' ? result : JSON.stringify(result)}\n`)
} catch (error) {
  process.stdout.write(`\nFAILED ${(error as Error).message}\n`)
  process.exitCode = 1
}
