// One user-assigned identity per app. Not shared: a shared identity would hold the union of every app's
// data roles, so a bug in one app could reach another app's container or queue.
param name string
param location string
param tags object

resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2024-11-30' = {
  name: name
  location: location
  tags: tags
}

output id string = identity.id
output principalId string = identity.properties.principalId
output clientId string = identity.properties.clientId
