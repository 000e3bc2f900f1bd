// Hit Platform on Azure: one Flex Consumption function app per domain (.NET isolated worker), shared Storage,
// Cosmos DB (serverless), Web PubSub, Event Grid, monitoring and an API Management gateway.
// Everything per app is driven by the single `apps` list below; see infra/README.md.
targetScope = 'subscription'

import { appSpec } from 'types.bicep'

@minLength(1)
@maxLength(24)
@description('azd environment name; names the resource group and seeds every resource name.')
param environmentName string

@minLength(1)
@description('Azure region for all resources (must offer Flex Consumption).')
param location string

@description('API Management publisher e-mail (required by the service).')
param publisherEmail string

@description('API Management publisher name.')
param publisherName string = 'Hit Platform'

@description('Browser origins allowed to call the apps directly (CORS on every function app).')
param corsAllowedOrigins string[] = []

@description('Extra app settings per app name, e.g. { auth: { Auth__Google__ClientId: \'...\' } }. Secrets belong in Key Vault references, not here.')
param appSettings object = {}

@description('Apps whose code is deployed, so their extension system keys exist. Their Web PubSub event handlers and Event Grid blob subscriptions are wired (the second stage; set by infra/scripts/postdeploy).')
param wiredApps string[] = []

@allowed([
  'Free_F1'
  'Standard_S1'
])
@description('Web PubSub tier. Free_F1 (20 connections) costs nothing; Standard_S1 is billed per unit-day.')
param webPubSubSku string = 'Free_F1'

@description('Object id of a developer (user) who runs the apps locally against these resources; gets data-plane roles. Empty = none.')
param developerPrincipalId string = ''

// The app list. One entry per functions/<App>/hit-module.yaml, same shape (see types.bicep); the only
// additions are `folder`, the deployment container and, for blob triggers, the function name.
var apps = [
  {
    name: 'pingpong'
    folder: 'PingPong'
    deploymentContainer: 'deploy-pingpong'
    cosmos: {
      containers: [
        { name: 'pingpong', ttl: false }
      ]
    }
    storage: {
      queues: { trigger: [], send: [] }
      blobs: { trigger: [], readWrite: [] }
    }
    webpubsub: { hubs: [] }
    settings: [
      { name: 'Cosmos__Endpoint', from: 'cosmos.endpoint' }
      { name: 'Cosmos__DatabaseName', value: 'hit' }
      { name: 'HitAuth__Issuer', from: 'gateway.url' }
      { name: 'HitAuth__Audience', value: 'hit' }
      { name: 'HitAuth__JwksUrl', from: 'auth.jwksUrl' }
      { name: 'Hit__AnonymousNamespaceHeader', value: 'true' }
    ]
  }
  {
    name: 'auth'
    folder: 'Auth'
    deploymentContainer: 'deploy-auth'
    cosmos: {
      containers: [
        { name: 'auth', ttl: true }
      ]
    }
    storage: {
      queues: { trigger: [], send: [ 'email' ] }
      blobs: { trigger: [], readWrite: [] }
    }
    webpubsub: { hubs: [] }
    settings: [
      { name: 'Cosmos__Endpoint', from: 'cosmos.endpoint' }
      { name: 'Cosmos__DatabaseName', value: 'hit' }
      { name: 'HitAuth__Issuer', from: 'gateway.url' }
      { name: 'HitAuth__Audience', value: 'hit' }
      { name: 'Auth__RateLimits__ForwardedForHops', value: '2' }
      { name: 'Auth__KeyEncryptionKey', secret: 'auth-key-encryption-key' }
    ]
  }
  {
    name: 'directory'
    folder: 'Directory'
    deploymentContainer: 'deploy-directory'
    cosmos: {
      containers: [
        { name: 'directory', ttl: false }
      ]
    }
    storage: {
      queues: { trigger: [], send: [] }
      blobs: { trigger: [], readWrite: [] }
    }
    webpubsub: { hubs: [] }
    settings: [
      { name: 'Cosmos__Endpoint', from: 'cosmos.endpoint' }
      { name: 'Cosmos__DatabaseName', value: 'hit' }
      { name: 'Directory__Hmac__Secrets__0', secret: 'directory-hmac-secret-0' }
    ]
  }
  {
    name: 'files'
    folder: 'Files'
    deploymentContainer: 'deploy-files'
    cosmos: {
      containers: [
        { name: 'files', ttl: false }
      ]
    }
    storage: {
      queues: { trigger: [], send: [] }
      blobs: {
        trigger: [
          { container: 'uploads', function: 'MakeThumbnail' }
        ]
        readWrite: [ 'uploads', 'thumbnails' ]
      }
    }
    webpubsub: { hubs: [] }
    settings: [
      { name: 'Cosmos__Endpoint', from: 'cosmos.endpoint' }
      { name: 'Cosmos__DatabaseName', value: 'hit' }
      { name: 'HitAuth__Issuer', from: 'gateway.url' }
      { name: 'HitAuth__Audience', value: 'hit' }
      { name: 'HitAuth__JwksUrl', from: 'auth.jwksUrl' }
    ]
  }
  {
    name: 'resumes'
    folder: 'Resumes'
    deploymentContainer: 'deploy-resumes'
    cosmos: {
      containers: [
        { name: 'resumes', ttl: false }
      ]
    }
    storage: {
      queues: { trigger: [], send: [] }
      blobs: { trigger: [], readWrite: [] }
    }
    webpubsub: { hubs: [] }
    settings: [
      { name: 'Cosmos__Endpoint', from: 'cosmos.endpoint' }
      { name: 'Cosmos__DatabaseName', value: 'hit' }
      { name: 'HitAuth__Issuer', from: 'gateway.url' }
      { name: 'HitAuth__Audience', value: 'hit' }
      { name: 'HitAuth__JwksUrl', from: 'auth.jwksUrl' }
      { name: 'Resumes__FilesBaseUrl', from: 'files.baseUrl' }
    ]
  }
  {
    name: 'email'
    folder: 'Email'
    deploymentContainer: 'deploy-email'
    cosmos: {
      containers: [
        { name: 'email', ttl: true }
      ]
    }
    storage: {
      queues: { trigger: [ 'email' ], send: [ 'email' ] }
      blobs: { trigger: [], readWrite: [] }
    }
    webpubsub: { hubs: [] }
    settings: [
      { name: 'Cosmos__Endpoint', from: 'cosmos.endpoint' }
      { name: 'Cosmos__DatabaseName', value: 'hit' }
      { name: 'Email__Queue', value: 'email' }
      { name: 'HitAuth__Issuer', from: 'gateway.url' }
      { name: 'HitAuth__Audience', value: 'hit' }
      { name: 'HitAuth__JwksUrl', from: 'auth.jwksUrl' }
      { name: 'Email__Hmac__Secrets__0', secret: 'email-hmac-secret-0' }
      { name: 'Email__Hmac__AcceptedVersions__0', value: '2' }
      { name: 'Email__Smtp__SmtpPort', value: '587' }
      { name: 'Email__Smtp__Security', value: 'StartTls' }
      { name: 'Email__Smtp__Password', secret: 'email-smtp-password' }
      { name: 'Email__SendGrid__ApiKey', secret: 'email-sendgrid-api-key' }
    ]
  }
]

// Shared data resources the apps may declare. Poison queues (<queue>-poison) are created by the runtime.
var storageQueues = [
  'email'
  'payments'
]
var blobContainers = [
  'uploads'
  'thumbnails'
]
var webPubSubHubs = [
  'chat'
]
var cosmosDatabaseName = 'hit'

var resourceToken = toLower(uniqueString(subscription().id, environmentName, location))
var tags = {
  'azd-env-name': environmentName
}
var storageAccountName = 'st${resourceToken}'
var apimName = 'apim-${resourceToken}'
var keyVaultName = 'kv-${resourceToken}'
var siteNames = toObject(apps, app => app.name, app => 'func-${app.name}-${resourceToken}')

// A hub gets its event handler once the app that serves it is deployed (its webpubsub_extension key
// exists), i.e. once that app is in wiredApps; until then handlerSiteName is empty.
var hubHandlers = map(webPubSubHubs, hub => {
  name: hub
  handlerSiteName: first(map(
    filter(apps, app => contains(app.webpubsub.hubs, hub) && contains(wiredApps, app.name)),
    app => siteNames[app.name]
  )) ?? ''
})

// The gateway URL is derived rather than read from the APIM resource: the APIs need the apps' host names
// and the apps need this URL in their settings, so reading it would be a dependency cycle.
var gatewayUrl = 'https://${apimName}.azure-api.net'

resource rg 'Microsoft.Resources/resourceGroups@2024-03-01' = {
  name: 'rg-${environmentName}'
  location: location
  tags: tags
}

module identities 'modules/identity.bicep' = [
  for app in apps: {
    name: 'identity-${app.name}'
    scope: rg
    params: {
      name: 'id-${app.name}-${resourceToken}'
      location: location
      tags: tags
    }
  }
]

module monitoring 'modules/monitoring.bicep' = {
  name: 'monitoring'
  scope: rg
  params: {
    logAnalyticsName: 'log-${resourceToken}'
    appInsightsName: 'appi-${resourceToken}'
    location: location
    tags: tags
    publisherPrincipalIds: [for (app, i) in apps: identities[i].outputs.principalId]
  }
}

module storage 'modules/storage.bicep' = {
  name: 'storage'
  scope: rg
  params: {
    name: storageAccountName
    location: location
    tags: tags
    containers: union(blobContainers, map(apps, app => app.deploymentContainer))
    queues: storageQueues
    grants: [
      for (app, i) in apps: {
        principalId: identities[i].outputs.principalId
        hostQueues: !empty(app.storage.queues.trigger) || !empty(app.storage.blobs.trigger)
        queueTrigger: app.storage.queues.trigger
        queueSend: app.storage.queues.send
        blobTrigger: map(app.storage.blobs.trigger, t => t.container)
        blobReadWrite: app.storage.blobs.readWrite
        blobDelegator: !empty(app.storage.blobs.readWrite)
      }
    ]
    developerPrincipalId: developerPrincipalId
  }
}

module cosmos 'modules/cosmos.bicep' = {
  name: 'cosmos'
  scope: rg
  params: {
    name: 'cosmos-${resourceToken}'
    location: location
    tags: tags
    databaseName: cosmosDatabaseName
    containers: flatten(map(apps, app => app.cosmos.containers))
    grants: [
      for (app, i) in apps: {
        principalId: identities[i].outputs.principalId
        containers: map(app.cosmos.containers, c => c.name)
      }
    ]
    developerPrincipalId: developerPrincipalId
  }
}

// Secret values live here (set once by hand, see infra/README.md); manifests name them with `secret:`.
module keyVault 'modules/keyvault.bicep' = {
  name: 'keyvault'
  scope: rg
  params: {
    name: keyVaultName
    location: location
    tags: tags
    // Empty entries (apps without secrets) are dropped by the module.
    readerPrincipalIds: [for (app, i) in apps: empty(filter(app.settings, s => s.?secret != null)) ? '' : identities[i].outputs.principalId]
    developerPrincipalId: developerPrincipalId
  }
}

module functionApps 'modules/functionApp.bicep' = [
  for (app, i) in apps: {
    name: 'app-${app.name}'
    scope: rg
    params: {
      app: app
      siteName: siteNames[app.name]
      planName: 'plan-${app.name}-${resourceToken}'
      location: location
      tags: tags
      identityId: identities[i].outputs.id
      identityClientId: identities[i].outputs.clientId
      storageBlobEndpoint: storage.outputs.blobEndpoint
      storageQueueEndpoint: storage.outputs.queueEndpoint
      appInsightsConnectionString: monitoring.outputs.appInsightsConnectionString
      corsAllowedOrigins: corsAllowedOrigins
      settingSources: {
        'cosmos.endpoint': cosmos.outputs.endpoint
        'cosmos.database': cosmosDatabaseName
        'storage.blobEndpoint': storage.outputs.blobEndpoint
        'storage.queueEndpoint': storage.outputs.queueEndpoint
        'webpubsub.endpoint': webPubSub.outputs.endpoint
        'gateway.url': gatewayUrl
        'auth.jwksUrl': '${gatewayUrl}/auth/.well-known/jwks.json'
        'files.baseUrl': '${gatewayUrl}/files/'
      }
      webPubSubEndpoint: webPubSub.outputs.endpoint
      // From the module output (not the variable) so the app waits for the vault's role assignments.
      keyVaultName: keyVault.outputs.name
      extraSettings: appSettings[?app.name] ?? {}
    }
  }
]

module webPubSub 'modules/webpubsub.bicep' = {
  name: 'webpubsub'
  scope: rg
  params: {
    name: 'wps-${resourceToken}'
    location: location
    tags: tags
    sku: webPubSubSku
    // Empty entries (apps without hubs) are dropped by the module.
    ownerPrincipalIds: [for (app, i) in apps: empty(app.webpubsub.hubs) ? '' : identities[i].outputs.principalId]
    developerPrincipalId: developerPrincipalId
  }
}

// Hubs are their own module because a hub's event handler points at the app that serves it (after the apps).
module webPubSubHubConfig 'modules/webpubsubHubs.bicep' = {
  name: 'webpubsub-hubs'
  scope: rg
  params: {
    webPubSubName: webPubSub.outputs.name
    hubs: hubHandlers
  }
  dependsOn: [
    functionApps
  ]
}

module eventGrid 'modules/eventgrid.bicep' = {
  name: 'eventgrid'
  scope: rg
  params: {
    topicName: 'evgt-${resourceToken}'
    location: location
    tags: tags
    storageAccountName: storageAccountName
    subscriptions: flatten(map(
      filter(apps, app => contains(wiredApps, app.name)),
      app => map(app.storage.blobs.trigger, t => {
        name: '${app.name}-${toLower(t.function)}'
        siteName: siteNames[app.name]
        functionName: t.function
        container: t.container
      })
    ))
  }
  dependsOn: [
    functionApps
  ]
}

module gateway 'modules/gateway.bicep' = {
  name: 'gateway'
  scope: rg
  params: {
    name: apimName
    location: location
    tags: tags
    publisherEmail: publisherEmail
    publisherName: publisherName
    backends: [
      for (app, i) in apps: {
        name: app.name
        hostName: functionApps[i].outputs.defaultHostName
      }
    ]
  }
}

output AZURE_LOCATION string = location
output AZURE_RESOURCE_GROUP string = rg.name
output HIT_GATEWAY_URL string = gateway.outputs.gatewayUrl
output HIT_COSMOS_ENDPOINT string = cosmos.outputs.endpoint
output HIT_STORAGE_ACCOUNT string = storageAccountName
output HIT_STORAGE_BLOB_ENDPOINT string = storage.outputs.blobEndpoint
output HIT_STORAGE_QUEUE_ENDPOINT string = storage.outputs.queueEndpoint
output HIT_WEBPUBSUB_ENDPOINT string = webPubSub.outputs.endpoint
output HIT_KEY_VAULT_NAME string = keyVault.outputs.name
// Secrets the apps declare; infra/scripts/postdeploy.sh warns about any the vault does not hold yet.
output HIT_SECRETS array = flatten(map(apps, app => map(filter(app.settings, s => s.?secret != null), s => {
  app: app.name
  setting: s.name
  secret: s.?secret
})))
output HIT_APPS array = [
  for (app, i) in apps: {
    name: app.name
    folder: app.folder
    siteName: siteNames[app.name]
    deploymentContainer: app.deploymentContainer
    hostName: functionApps[i].outputs.defaultHostName
    // Extension system keys the second stage waits for before wiring this app's web hooks.
    systemKeys: concat(
      empty(app.storage.blobs.trigger) ? [] : ['blobs_extension'],
      empty(app.webpubsub.hubs) ? [] : ['webpubsub_extension']
    )
  }
]
