// A key's fields are listed once (KEY_FIELDS in src/domain/rules.ts): every field the contract lets a PATCH set
// must be one of them, written and read back by the store, and answered by the views, or this fails naming it.
import t from 'tap'
import { KEY_FIELD_NAMES, KEY_FIELDS } from '../../src/domain/rules.js'
import { listedView, updatedView } from '../../src/operations/key-views.js'
import { seedOnStart } from '../../src/operations/seed.js'
import { GetApiKeyResponseSchemas, ListApiKeysResponseSchemas, UpdateApiKeyBodySchema, UpdateApiKeyResponseSchemas } from '../../src/schemas/generated/index.js'
import { openWorld } from '../../src/world.js'
import { FIXTURE } from '../helper.js'

/** A value each settable field's rule accepts, and what the store keeps of it: a new field needs one here. */
const SAMPLES: Record<string, { given: unknown, stored: unknown }> = {
  label: { given: '  Renamed  ', stored: 'Renamed' },
  roles: { given: 'read, write, read', stored: 'read,write' }
}

type Props = { properties: Record<string, unknown> }
const keyOf = (schema: unknown): string[] => Object.keys(((schema as Props).properties.key as Props).properties)

t.test('every field the contract lets a PATCH set is a key field, and nothing else is', async t => {
  t.strictSame([...KEY_FIELD_NAMES].sort(), Object.keys(UpdateApiKeyBodySchema.properties).sort())
  for (const field of KEY_FIELD_NAMES) t.type(KEY_FIELDS[field], 'function', `${field} has a rule`)
})

t.test('the store writes and reads each field the contract has, alone and together, and the views answer them', async t => {
  const world = openWorld({ path: ':memory:', clock: { now: () => 5 }, seed: { fixture: FIXTURE, source: undefined, demo: false }, journalSize: 0 })
  t.teardown(async () => { await world.close() })
  seedOnStart(world)
  const project = FIXTURE.projects?.[0]
  const key = project!.keys![0]!
  const before = world.keys.get(project!.id, key.id)!
  for (const field of Object.keys(UpdateApiKeyBodySchema.properties)) {
    const sample = SAMPLES[field]
    if (sample === undefined) {
      t.fail(`the contract's PATCH body has ${field}: add a sample value for it to SAMPLES in this test`)
      continue
    }
    const stored = KEY_FIELDS[field as keyof typeof KEY_FIELDS](sample.given as never)
    t.strictSame(stored, sample.stored, `${field}: its rule gives the stored form`)
    const updated = world.transactNow(() => world.keys.update(project!.id, key.id, { [field]: stored }, 10))
    t.strictSame((updated as Record<string, unknown> | undefined)?.[field], sample.stored, `${field}: the UPDATE writes it and RETURNING reads it`)
    t.strictSame((world.keys.get(project!.id, key.id) as Record<string, unknown> | undefined)?.[field], sample.stored, `${field}: read back from the table`)
    t.strictSame((listedView(world.keys.get(project!.id, key.id)!) as Record<string, unknown>)[field], sample.stored, `${field}: answered by the views`)
  }
  // A field not given stays as it was.
  const untouched = world.transactNow(() => world.keys.update(project!.id, key.id, {}, 20))!
  for (const field of KEY_FIELD_NAMES) t.strictSame(untouched[field], SAMPLES[field]?.stored, `${field} stays when not given`)
  t.not(before.label, untouched.label, 'the sample changed something')
  // What the views answer holds every field of the contract's answers.
  const listed = Object.keys(listedView(world.keys.get(project!.id, key.id)!))
  for (const field of keyOf(GetApiKeyResponseSchemas[200])) t.ok(listed.includes(field), `GET answers ${field}`)
  const items = ((ListApiKeysResponseSchemas[200] as unknown as Props).properties.data as { items: Props }).items
  for (const field of Object.keys(items.properties)) t.ok(listed.includes(field), `the list answers ${field}`)
  const patched = Object.keys(updatedView(untouched))
  for (const field of keyOf(UpdateApiKeyResponseSchemas[200])) t.ok(patched.includes(field), `PATCH answers ${field}`)
})
