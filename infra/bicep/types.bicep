// Shapes shared by main.bicep and the modules. `appSpec` mirrors functions/<App>/hit-module.yaml, so adding
// an app is copying its manifest into the `apps` list in main.bicep (tests/Infra.Tests checks the two agree).

@export()
@description('Where an app setting takes its value from when the manifest says `from:` instead of `value:`.')
type settingSource =
  | 'cosmos.endpoint'
  | 'cosmos.database'
  | 'storage.blobEndpoint'
  | 'storage.queueEndpoint'
  | 'webpubsub.endpoint'
  | 'gateway.url'
  | 'auth.jwksUrl'
  | 'files.baseUrl'
  | 'identity.clientId'

@export()
@description('Exactly one of value, from or secret (tests/Infra.Tests checks it).')
type settingSpec = {
  name: string
  @description('A literal value.')
  value: string?
  @description('A value the Bicep provides (settingSources in main.bicep).')
  from: settingSource?
  @description('A Key Vault secret name: the setting becomes a Key Vault reference resolved with the app identity.')
  secret: string?
}

@export()
type cosmosContainerSpec = {
  @description('Container id; the partition key is always /pk.')
  name: string
  @description('true = per-item TTL enabled (defaultTtl -1), for idempotency keys, sessions and other expiring data.')
  ttl: bool
}

@export()
@description('A blob-triggered function. Flex runs blob triggers only with the Event Grid source, and the webhook needs the function name.')
type blobTriggerSpec = {
  container: string
  function: string
}

@export()
type appSpec = {
  @description('Function app name as in hit-module.yaml; also the gateway prefix /<name>.')
  name: string
  @description('Folder under functions/ (and artifacts/apps/).')
  folder: string
  @description('Blob container the Flex host deploys this app from. One per app, never shared.')
  deploymentContainer: string
  cosmos: {
    containers: cosmosContainerSpec[]
  }
  storage: {
    queues: {
      trigger: string[]
      send: string[]
    }
    blobs: {
      trigger: blobTriggerSpec[]
      readWrite: string[]
    }
  }
  webpubsub: {
    hubs: string[]
  }
  settings: settingSpec[]
}
