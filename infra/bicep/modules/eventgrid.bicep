// Event Grid system topic on the storage account. Flex runs blob triggers only with the Event Grid
// source: BlobCreated events are pushed to the app's blobs-extension webhook, which is protected by the
// `blobs_extension` system key. The key exists only after the app is deployed and started once, so a
// subscription is declared only for apps listed in `wiredApps` (main.bicep; set by infra/scripts/postdeploy).
param topicName string
param location string
param tags object
param storageAccountName string
@description('[{ name, siteName, functionName, container }]: one BlobCreated subscription per blob-triggered function.')
param subscriptions array

resource account 'Microsoft.Storage/storageAccounts@2024-01-01' existing = {
  name: storageAccountName
}

resource topic 'Microsoft.EventGrid/systemTopics@2025-02-15' = {
  name: topicName
  location: location
  tags: tags
  properties: {
    source: account.id
    topicType: 'Microsoft.Storage.StorageAccounts'
  }
}

resource sites 'Microsoft.Web/sites@2024-04-01' existing = [
  for sub in subscriptions: {
    name: sub.siteName
  }
]

resource hosts 'Microsoft.Web/sites/host@2024-04-01' existing = [
  for (sub, i) in subscriptions: {
    parent: sites[i]
    name: 'default'
  }
]

resource blobCreated 'Microsoft.EventGrid/systemTopics/eventSubscriptions@2025-02-15' = [
  for (sub, i) in subscriptions: {
    parent: topic
    name: sub.name
    properties: {
      destination: {
        endpointType: 'WebHook'
        properties: {
          endpointUrl: 'https://${sites[i].properties.defaultHostName}/runtime/webhooks/blobs?functionName=Host.Functions.${sub.functionName}&code=${hosts[i].listKeys().systemKeys.blobs_extension}'
          maxEventsPerBatch: 1
          preferredBatchSizeInKilobytes: 64
        }
      }
      filter: {
        includedEventTypes: [
          'Microsoft.Storage.BlobCreated'
        ]
        // The trailing slash keeps a container such as `uploads2` from matching too.
        subjectBeginsWith: '/blobServices/default/containers/${sub.container}/'
      }
      eventDeliverySchema: 'EventGridSchema'
      retryPolicy: {
        maxDeliveryAttempts: 30
        eventTimeToLiveInMinutes: 1440
      }
    }
  }
]

output topicName string = topic.name
