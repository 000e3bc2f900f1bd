// One Hit function app: its own Flex Consumption (FC1) plan (Flex allows one app per plan; an idle plan
// costs nothing), a Linux site running the isolated-worker app root built by `./hit build`, deployed from the app's
// own blob container with the app's identity, and identity-based settings only (no keys, no connection
// strings). Do not add FUNCTIONS_WORKER_RUNTIME, FUNCTIONS_EXTENSION_VERSION, linuxFxVersion or
// WEBSITE_RUN_FROM_PACKAGE: Flex takes the worker from functionAppConfig.runtime and rejects the rest.
import { appSpec } from '../types.bicep'

param app appSpec
param siteName string
param planName string
param location string
param tags object
param identityId string
param identityClientId string
param storageBlobEndpoint string
param storageQueueEndpoint string
param appInsightsConnectionString string
param corsAllowedOrigins string[]
@description('Values for the manifest settings declared with `from:` (see types.bicep settingSource).')
param settingSources object
param webPubSubEndpoint string
@description('Vault holding the secrets the manifest declares with `secret:` (modules/keyvault.bicep).')
param keyVaultName string
@description('Environment-specific settings from main.bicepparam; applied last.')
param extraSettings object

@allowed([
  512
  2048
  4096
])
param instanceMemoryMB int = 2048

@minValue(40)
@maxValue(1000)
@description('40 is the Flex minimum; it also caps what a runaway load can cost.')
param maximumInstanceCount int = 40

var sources = union(settingSources, {
  'identity.clientId': identityClientId
})

// A `secret:` setting is a Key Vault reference: the platform resolves it with keyVaultReferenceIdentity
// (below) and the handler sees the plain value, so app code reads it like any other setting.
var manifestSettings = toObject(app.settings, s => s.name, s => s.secret == null ? (s.value ?? sources[s.from!]) : '@Microsoft.KeyVault(VaultName=${keyVaultName};SecretName=${s.secret!})')

var hostSettings = {
  AzureWebJobsStorage__credential: 'managedidentity'
  AzureWebJobsStorage__clientId: identityClientId
  AzureWebJobsStorage__blobServiceUri: storageBlobEndpoint
  AzureWebJobsStorage__queueServiceUri: storageQueueEndpoint
  APPLICATIONINSIGHTS_CONNECTION_STRING: appInsightsConnectionString
  APPLICATIONINSIGHTS_AUTHENTICATION_STRING: 'ClientId=${identityClientId};Authorization=AAD'
  // The handler's own Azure clients (Cosmos SDK, Storage REST) pick the user-assigned identity from this.
  AZURE_CLIENT_ID: identityClientId
}

// The bundle's Web PubSub bindings connect with the identity (extension 1.10+), not an access key.
var webPubSubSettings = empty(app.webpubsub.hubs) ? {} : {
  WebPubSubConnectionString__serviceUri: webPubSubEndpoint
  WebPubSubConnectionString__credential: 'managedidentity'
  WebPubSubConnectionString__clientId: identityClientId
}

resource plan 'Microsoft.Web/serverfarms@2024-04-01' = {
  name: planName
  location: location
  tags: tags
  kind: 'functionapp'
  sku: {
    name: 'FC1'
    tier: 'FlexConsumption'
  }
  properties: {
    reserved: true
  }
}

resource site 'Microsoft.Web/sites@2024-04-01' = {
  name: siteName
  location: location
  // azd finds the deployment target of service `<app.name>` by this tag.
  tags: union(tags, {
    'azd-service-name': app.name
  })
  kind: 'functionapp,linux'
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: {
      '${identityId}': {}
    }
  }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    // Key Vault references resolve with the system-assigned identity unless told otherwise; the app has only
    // its user-assigned one (which holds Key Vault Secrets User). Set for every app so a reference added
    // through `appSettings` in main.bicepparam resolves the same way.
    keyVaultReferenceIdentity: identityId
    functionAppConfig: {
      deployment: {
        storage: {
          type: 'blobContainer'
          value: '${storageBlobEndpoint}${app.deploymentContainer}'
          authentication: {
            type: 'UserAssignedIdentity'
            userAssignedIdentityResourceId: identityId
          }
        }
      }
      scaleAndConcurrency: {
        maximumInstanceCount: maximumInstanceCount
        instanceMemoryMB: instanceMemoryMB
      }
      // Isolated worker: the Flex host starts `dotnet <App>.dll` from worker.config.json on .NET 10.
      runtime: {
        name: 'dotnet-isolated'
        version: '10.0'
      }
    }
    siteConfig: {
      minTlsVersion: '1.2'
      cors: {
        allowedOrigins: corsAllowedOrigins
        supportCredentials: false
      }
    }
  }
}

resource settings 'Microsoft.Web/sites/config@2024-04-01' = {
  parent: site
  name: 'appsettings'
  properties: union(hostSettings, webPubSubSettings, manifestSettings, extraSettings)
}

output name string = site.name
output defaultHostName string = site.properties.defaultHostName
