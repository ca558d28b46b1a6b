// testcontainers 12 runs on Node 22.19 or newer (its undici 8 needs it): an older Node is told so, before it loads.
const [major = 0, minor = 0] = process.versions.node.split('.').map(Number)
if (major < 22 || (major === 22 && minor < 19)) {
  throw new Error(`basic-admin-mock/testcontainers: testcontainers 12 needs Node 22.19 or newer, and this is Node ${process.versions.node}: run your tests on Node 22.19+ (or start the image with docker run, docs/docker.md)`)
}
