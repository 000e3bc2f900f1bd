// Cosmos DB for NoSQL, serverless, Entra-only (no keys). Database `hit`, one container per app with
// partition key /pk. Data-plane RBAC cannot create containers, so every container is declared here.
param name string
param location string
param tags object
param databaseName string
@description('[{ name, ttl }]: ttl true enables per-item TTL (defaultTtl -1).')
param containers array
@description('Per app: principalId and the container names it owns.')
param grants array
@description('Developer object id for local runs against Azure; empty = none.')
param developerPrincipalId string

// Cosmos DB Built-in Data Contributor (a Cosmos SQL role, not an Azure RBAC role).
var dataContributor = '00000000-0000-0000-0000-000000000002'

resource account 'Microsoft.DocumentDB/databaseAccounts@2025-04-15' = {
  name: name
  location: location
  tags: tags
  kind: 'GlobalDocumentDB'
  properties: {
    databaseAccountOfferType: 'Standard'
    locations: [
      {
        locationName: location
        failoverPriority: 0
      }
    ]
    capabilities: [
      {
        name: 'EnableServerless'
      }
    ]
    disableLocalAuth: true
    disableKeyBasedMetadataWriteAccess: true
    minimalTlsVersion: 'Tls12'
  }
}

resource database 'Microsoft.DocumentDB/databaseAccounts/sqlDatabases@2025-04-15' = {
  parent: account
  name: databaseName
  properties: {
    resource: {
      id: databaseName
    }
  }
}

resource sqlContainers 'Microsoft.DocumentDB/databaseAccounts/sqlDatabases/containers@2025-04-15' = [
  for container in containers: {
    parent: database
    name: container.name
    properties: {
      // No options.throughput: serverless accounts reject it.
      resource: union(
        {
          id: container.name
          partitionKey: {
            paths: [
              '/pk'
            ]
            kind: 'Hash'
            version: 2
          }
        },
        // -1 = TTL on with no default expiry: each document sets its own `ttl` (idempotency keys, sessions).
        container.ttl ? { defaultTtl: -1 } : {}
      )
    }
  }
]

var containerGrants = flatten(map(grants, g => map(g.containers, c => { principalId: g.principalId, container: c })))

// Each app may read and write only its own container(s): the role assignment scope is the container.
resource appWriters 'Microsoft.DocumentDB/databaseAccounts/sqlRoleAssignments@2024-11-15' = [
  for grant in containerGrants: {
    parent: account
    name: guid(account.id, grant.principalId, grant.container, dataContributor)
    properties: {
      principalId: grant.principalId
      roleDefinitionId: resourceId('Microsoft.DocumentDB/databaseAccounts/sqlRoleDefinitions', account.name, dataContributor)
      scope: '${account.id}/dbs/${databaseName}/colls/${grant.container}'
    }
    dependsOn: [
      sqlContainers
    ]
  }
]

resource developerWriter 'Microsoft.DocumentDB/databaseAccounts/sqlRoleAssignments@2024-11-15' = if (!empty(developerPrincipalId)) {
  parent: account
  name: guid(account.id, developerPrincipalId, dataContributor)
  properties: {
    principalId: developerPrincipalId
    roleDefinitionId: resourceId('Microsoft.DocumentDB/databaseAccounts/sqlRoleDefinitions', account.name, dataContributor)
    scope: account.id
  }
}

output endpoint string = account.properties.documentEndpoint
