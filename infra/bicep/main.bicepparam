// Environment-specific values. azd sets AZURE_ENV_NAME and AZURE_LOCATION; `./hit deploy --env <name>`
// sets the same variables. The app list itself is code, in main.bicep.
using 'main.bicep'

param environmentName = readEnvironmentVariable('AZURE_ENV_NAME', 'hit-dev')
param location = readEnvironmentVariable('AZURE_LOCATION', 'eastus2')
param publisherEmail = readEnvironmentVariable('HIT_PUBLISHER_EMAIL', 'admin@example.com')
param publisherName = 'Hit Platform'

// Comma-separated browser origins, e.g. https://app.example.com,http://localhost:5173
param corsAllowedOrigins = filter(split(readEnvironmentVariable('HIT_CORS_ORIGINS', ''), ','), o => !empty(o))

// Apps whose code is deployed (second stage: web hooks). Written by infra/scripts/postdeploy after deploy.
param wiredApps = filter(split(readEnvironmentVariable('HIT_WIRED_APPS', ''), ','), a => !empty(a))

param webPubSubSku = 'Free_F1'

// Set to your own object id (az ad signed-in-user show --query id -o tsv) to run apps locally against Azure.
param developerPrincipalId = readEnvironmentVariable('HIT_DEVELOPER_PRINCIPAL_ID', '')

// Per-app settings that differ between environments. Secrets: Key Vault references only.
param appSettings = {
  pingpong: {}
}
