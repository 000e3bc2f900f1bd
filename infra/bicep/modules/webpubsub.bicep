// Azure Web PubSub with local (access-key) auth disabled; the chat app reaches it with its managed
// identity (Web PubSub Service Owner). Hubs are declared in webpubsubHubs.bicep.
param name string
param location string
param tags object
@allowed([
  'Free_F1'
  'Standard_S1'
])
param sku string
@description('Identities of the apps that serve a hub; empty strings are ignored.')
param ownerPrincipalIds string[]
@description('Developer object id for local runs against Azure; empty = none.')
param developerPrincipalId string

var serviceOwner = '12cf5a90-567b-43ae-8102-96cf46c7d9b4'

resource webPubSub 'Microsoft.SignalRService/webPubSub@2024-03-01' = {
  name: name
  location: location
  tags: tags
  kind: 'WebPubSub'
  sku: {
    name: sku
    tier: sku == 'Free_F1' ? 'Free' : 'Standard'
    capacity: 1
  }
  properties: {
    disableLocalAuth: true
    disableAadAuth: false
    publicNetworkAccess: 'Enabled'
  }
}

resource owners 'Microsoft.Authorization/roleAssignments@2022-04-01' = [
  for principalId in filter(ownerPrincipalIds, p => !empty(p)): {
    name: guid(webPubSub.id, principalId, serviceOwner)
    scope: webPubSub
    properties: {
      principalId: principalId
      principalType: 'ServicePrincipal'
      roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', serviceOwner)
    }
  }
]

resource developerOwner 'Microsoft.Authorization/roleAssignments@2022-04-01' = if (!empty(developerPrincipalId)) {
  name: guid(webPubSub.id, developerPrincipalId, serviceOwner)
  scope: webPubSub
  properties: {
    principalId: developerPrincipalId
    principalType: 'User'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', serviceOwner)
  }
}

output name string = webPubSub.name
output endpoint string = 'https://${webPubSub.properties.hostName}'
