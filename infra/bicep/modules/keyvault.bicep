// Key Vault for the app secrets a manifest declares with `secret:` (the apps read them through Key Vault
// references in their app settings). RBAC only: no access policies, so who can read which vault is visible
// in the same role assignments as every other data grant. Public network like the rest of the design.
// Secret VALUES are not created here: a template that generated them would rotate them on every deploy
// (and put them in the deployment history); see infra/README.md for the one-time `az keyvault secret set`.
param name string
param location string
param tags object
@description('Identities of the apps that declare secrets (get secrets); empty strings are ignored.')
param readerPrincipalIds string[]
@description('Developer object id (sets the secret values, runs apps locally); empty = none.')
param developerPrincipalId string

var secretsUser = '4633458b-17de-408a-b874-0445c86b69e6'
var secretsOfficer = 'b86a8fe4-44ce-4948-aee5-eccb2c155cd7'

resource vault 'Microsoft.KeyVault/vaults@2025-05-01' = {
  name: name
  location: location
  tags: tags
  properties: {
    tenantId: subscription().tenantId
    sku: {
      family: 'A'
      name: 'standard'
    }
    enableRbacAuthorization: true
    accessPolicies: []
    // Soft delete + purge protection: a deleted secret (or vault) can be recovered for 90 days and cannot be
    // purged early, so a mistaken delete cannot lose the auth key encryption key for good.
    enableSoftDelete: true
    softDeleteRetentionInDays: 90
    enablePurgeProtection: true
    enabledForDeployment: false
    enabledForTemplateDeployment: false
    enabledForDiskEncryption: false
    publicNetworkAccess: 'Enabled'
    networkAcls: {
      defaultAction: 'Allow'
      bypass: 'AzureServices'
    }
  }
}

// Vault scope, not per secret: an app identity reads only the secrets its settings reference, but per-secret
// assignments would have to exist before the secrets do (their values are set after provisioning).
resource readers 'Microsoft.Authorization/roleAssignments@2022-04-01' = [
  for principalId in filter(readerPrincipalIds, p => !empty(p)): {
    name: guid(vault.id, principalId, secretsUser)
    scope: vault
    properties: {
      principalId: principalId
      principalType: 'ServicePrincipal'
      roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', secretsUser)
    }
  }
]

resource developerOfficer 'Microsoft.Authorization/roleAssignments@2022-04-01' = if (!empty(developerPrincipalId)) {
  name: guid(vault.id, developerPrincipalId, secretsOfficer)
  scope: vault
  properties: {
    principalId: developerPrincipalId
    principalType: 'User'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', secretsOfficer)
  }
}

// main.bicep passes this name to the function apps, so they are created only after this whole module
// (the grants included) has deployed: an app resolves its Key Vault references on start.
output name string = vault.name
output uri string = vault.properties.vaultUri
