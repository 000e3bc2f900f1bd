// One storage account: host storage for every app (AzureWebJobsStorage__* over managed identity), the
// per-app deployment containers, and the shared data containers and queues. Shared keys are off, so
// everything below is granted through RBAC.
param name string
param location string
param tags object
@description('Blob containers: data containers plus one deployment container per app.')
param containers string[]
@description('Queues. Poison queues (<queue>-poison) are created by the Functions runtime.')
param queues string[]
@description('Per app: principalId, hostQueues (bool), queueTrigger, queueSend, blobTrigger, blobReadWrite (name lists), blobDelegator (bool).')
param grants array
@description('Developer object id for local runs against Azure (data roles); empty = none.')
param developerPrincipalId string

var roles = {
  blobDataOwner: 'b7e6dc6d-f1e8-4753-8033-0f276bb0955b'
  blobDataContributor: 'ba92f5b4-2d11-453d-a403-e96b0029c9fe'
  blobDataReader: '2a2b9908-6ea1-4ae2-8e65-a410df84e7d1'
  queueDataContributor: '974c5e8b-45b9-4653-ba55-5f855dd0fb88'
  queueDataMessageProcessor: '8a0f0c08-91a1-4084-bc3d-661d67233fed'
  queueDataMessageSender: 'c6a89b2d-59bc-44d0-9896-0f6e12d7b80a'
  blobDelegator: 'db58b8e5-c6ad-4a2a-8342-4190687cbf4a'
}

resource account 'Microsoft.Storage/storageAccounts@2024-01-01' = {
  name: name
  location: location
  tags: tags
  kind: 'StorageV2'
  sku: {
    name: 'Standard_LRS'
  }
  properties: {
    allowSharedKeyAccess: false
    allowBlobPublicAccess: false
    defaultToOAuthAuthentication: true
    minimumTlsVersion: 'TLS1_2'
    supportsHttpsTrafficOnly: true
    publicNetworkAccess: 'Enabled'
  }
}

resource blobService 'Microsoft.Storage/storageAccounts/blobServices@2024-01-01' = {
  parent: account
  name: 'default'
}

resource blobContainers 'Microsoft.Storage/storageAccounts/blobServices/containers@2024-01-01' = [
  for container in containers: {
    parent: blobService
    name: container
    properties: {
      publicAccess: 'None'
    }
  }
]

resource queueService 'Microsoft.Storage/storageAccounts/queueServices@2024-01-01' = {
  parent: account
  name: 'default'
}

resource storageQueues 'Microsoft.Storage/storageAccounts/queueServices/queues@2024-01-01' = [
  for queue in queues: {
    parent: queueService
    name: queue
  }
]

// Host storage: the Functions host keeps keys, leases and blob receipts in azure-webjobs-* containers it
// creates itself, and the Flex platform reads the package from the deployment container. Account scope,
// as in Microsoft's Flex samples. This also covers the container-scoped blob grants below; those stay
// explicit because they are the app's data contract and the only blob grants once host storage moves to
// a per-app account.
resource hostBlobOwner 'Microsoft.Authorization/roleAssignments@2022-04-01' = [
  for grant in grants: {
    name: guid(account.id, grant.principalId, roles.blobDataOwner)
    scope: account
    properties: {
      principalId: grant.principalId
      principalType: 'ServicePrincipal'
      roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.blobDataOwner)
    }
  }
]

// Apps with queue or blob triggers: the runtime creates <queue>-poison and its blob-trigger bookkeeping
// queues, which needs create rights on the queue service, i.e. Queue Data Contributor on the account.
resource hostQueueContributor 'Microsoft.Authorization/roleAssignments@2022-04-01' = [
  for grant in filter(grants, g => g.hostQueues): {
    name: guid(account.id, grant.principalId, roles.queueDataContributor)
    scope: account
    properties: {
      principalId: grant.principalId
      principalType: 'ServicePrincipal'
      roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.queueDataContributor)
    }
  }
]

var queueTriggerGrants = flatten(map(grants, g => map(g.queueTrigger, q => { principalId: g.principalId, queue: q })))
var queueSendGrants = flatten(map(grants, g => map(g.queueSend, q => { principalId: g.principalId, queue: q })))
var blobTriggerGrants = flatten(map(grants, g => map(g.blobTrigger, c => { principalId: g.principalId, container: c })))
var blobReadWriteGrants = flatten(map(grants, g => map(g.blobReadWrite, c => { principalId: g.principalId, container: c })))

resource queueProcessors 'Microsoft.Authorization/roleAssignments@2022-04-01' = [
  for grant in queueTriggerGrants: {
    name: guid(storageQueues[indexOf(queues, grant.queue)].id, grant.principalId, roles.queueDataMessageProcessor)
    scope: storageQueues[indexOf(queues, grant.queue)]
    properties: {
      principalId: grant.principalId
      principalType: 'ServicePrincipal'
      roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.queueDataMessageProcessor)
    }
  }
]

resource queueSenders 'Microsoft.Authorization/roleAssignments@2022-04-01' = [
  for grant in queueSendGrants: {
    name: guid(storageQueues[indexOf(queues, grant.queue)].id, grant.principalId, roles.queueDataMessageSender)
    scope: storageQueues[indexOf(queues, grant.queue)]
    properties: {
      principalId: grant.principalId
      principalType: 'ServicePrincipal'
      roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.queueDataMessageSender)
    }
  }
]

resource blobTriggerReaders 'Microsoft.Authorization/roleAssignments@2022-04-01' = [
  for grant in blobTriggerGrants: {
    name: guid(blobContainers[indexOf(containers, grant.container)].id, grant.principalId, roles.blobDataReader)
    scope: blobContainers[indexOf(containers, grant.container)]
    properties: {
      principalId: grant.principalId
      principalType: 'ServicePrincipal'
      roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.blobDataReader)
    }
  }
]

resource blobContributors 'Microsoft.Authorization/roleAssignments@2022-04-01' = [
  for grant in blobReadWriteGrants: {
    name: guid(blobContainers[indexOf(containers, grant.container)].id, grant.principalId, roles.blobDataContributor)
    scope: blobContainers[indexOf(containers, grant.container)]
    properties: {
      principalId: grant.principalId
      principalType: 'ServicePrincipal'
      roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.blobDataContributor)
    }
  }
]

// Apps that hand out SAS URLs (files: direct uploads, short-lived read links) sign them with a user delegation
// key, which needs this account-level role. A user delegation SAS never grants more than the app's own data roles.
resource blobDelegators 'Microsoft.Authorization/roleAssignments@2022-04-01' = [
  for grant in filter(grants, g => g.blobDelegator): {
    name: guid(account.id, grant.principalId, roles.blobDelegator)
    scope: account
    properties: {
      principalId: grant.principalId
      principalType: 'ServicePrincipal'
      roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.blobDelegator)
    }
  }
]

var developerRoles = empty(developerPrincipalId) ? [] : [
  roles.blobDataContributor
  roles.queueDataContributor
]

resource developer 'Microsoft.Authorization/roleAssignments@2022-04-01' = [
  for role in developerRoles: {
    name: guid(account.id, developerPrincipalId, role)
    scope: account
    properties: {
      principalId: developerPrincipalId
      principalType: 'User'
      roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', role)
    }
  }
]

output blobEndpoint string = account.properties.primaryEndpoints.blob
output queueEndpoint string = account.properties.primaryEndpoints.queue
