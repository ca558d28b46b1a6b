// What src/testcontainers/index.ts uses of `testcontainers`, for a build without the lab (npm ci's prepare, the
// Dockerfile): tsconfig.json's paths resolve `testcontainers` to lab's own types first, to this only when lab is absent.
// The emitted code and declarations are the same either way: they import `testcontainers`, the user's own.
export interface StopOptions { timeout: number, remove: boolean, removeVolumes: boolean }
export interface StoppedTestContainer { getId: () => string }
export interface ContentToCopy { content: string | Buffer, target: string, mode?: number }
export interface StartedTestContainer {
  stop: (options?: Partial<StopOptions>) => Promise<StoppedTestContainer>
  getHost: () => string
  getMappedPort: (port: number) => number
}
export declare class HttpWaitStrategy { forStatusCode (statusCode: number): this }
export declare class Wait { static forHttp (path: string, port: number): HttpWaitStrategy }
export declare class GenericContainer {
  constructor (image: string)
  withExposedPorts (...ports: number[]): this
  withEnvironment (environment: Record<string, string>): this
  withWaitStrategy (waitStrategy: HttpWaitStrategy): this
  withCopyContentToContainer (contentsToCopy: ContentToCopy[]): this
  start (): Promise<StartedTestContainer>
}
export declare class AbstractStartedContainer implements StartedTestContainer {
  protected readonly startedTestContainer: StartedTestContainer
  constructor (startedTestContainer: StartedTestContainer)
  stop (options?: Partial<StopOptions>): Promise<StoppedTestContainer>
  getHost (): string
  getMappedPort (port: number): number
}
