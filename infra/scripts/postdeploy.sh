#!/bin/sh
# Second deployment stage (azd postdeploy hook; `./hit deploy` runs the same steps).
# Blob triggers (Event Grid webhook) and Web PubSub event handlers are protected by extension system keys
# (blobs_extension, webpubsub_extension) that exist only after an app's code is deployed and its host has
# started. This waits for those keys, records the wired apps in the azd environment (HIT_WIRED_APPS, read
# by main.bicepparam, so later `azd provision` runs keep the wiring) and re-applies main.bicep.
#
# Needs: az (logged in), node (JSON parsing; already required for the local stack), and the azd
# environment values azd passes to hooks: AZURE_ENV_NAME, AZURE_LOCATION, AZURE_RESOURCE_GROUP, HIT_APPS.
set -eu

: "${AZURE_ENV_NAME:?run through azd (azd deploy / azd up) or export the azd environment}"
: "${AZURE_LOCATION:?}"
: "${AZURE_RESOURCE_GROUP:?}"
: "${HIT_APPS:?main.bicep output HIT_APPS is missing; run azd provision first}"

root=$(CDPATH= cd -- "$(dirname -- "$0")/../.." && pwd)
timeout_seconds=${HIT_WIRE_TIMEOUT_SECONDS:-300}

# Secrets the manifests declare (`secret:`, main.bicep output HIT_SECRETS) are set by hand once (see
# infra/README.md), never by the Bicep. Warn, never fail, about any the vault does not hold yet: the app that
# references it fails its start-up validation until it is set. azd passes the outputs as environment values;
# `./hit deploy` passes only HIT_APPS, so the rest is read from its deployment (named after the environment).
warn_missing_secrets() {
  outputs='{}'
  if [ -z "${HIT_SECRETS:-}" ] || [ -z "${HIT_KEY_VAULT_NAME:-}" ]; then
    outputs=$(az deployment sub show --name "$AZURE_ENV_NAME" --query properties.outputs -o json 2>/dev/null || echo '{}')
  fi
  # "<vault> <app> <setting> <secret>" per declared secret. ARM may change the case of output names.
  declared=$(HIT_OUTPUTS="$outputs" node -e '
    const outputs = JSON.parse(process.env.HIT_OUTPUTS || "{}");
    const output = name => {
      const key = Object.keys(outputs).find(k => k.toLowerCase() === name.toLowerCase());
      return key === undefined ? undefined : outputs[key].value;
    };
    const vault = process.env.HIT_KEY_VAULT_NAME || output("HIT_KEY_VAULT_NAME") || "";
    const raw = process.env.HIT_SECRETS || output("HIT_SECRETS") || [];
    const secrets = typeof raw === "string" ? JSON.parse(raw) : raw;
    if (vault) for (const s of secrets) console.log([vault, s.app, s.setting, s.secret].join(" "));
  ')
  if [ -z "$declared" ]; then
    echo "postdeploy: no declared secrets found (HIT_SECRETS / HIT_KEY_VAULT_NAME); not checking Key Vault."
    return 0
  fi
  vault=$(echo "$declared" | head -n 1 | cut -d " " -f 1)
  if ! existing=$(az keyvault secret list --vault-name "$vault" --query "[].name" -o tsv 2>/dev/null); then
    echo "postdeploy: WARNING: cannot list the secrets in $vault (needs Key Vault Secrets Officer: HIT_DEVELOPER_PRINCIPAL_ID + provision); declared secrets not checked." >&2
    return 0
  fi
  echo "$declared" | while read -r vault app setting secret; do
    if ! printf '%s\n' "$existing" | grep -qx -- "$secret"; then
      echo "postdeploy: WARNING: $app needs $setting but Key Vault $vault has no secret '$secret'; the app will not start until it is set (infra/README.md, \"Secrets\")." >&2
    fi
  done
}
warn_missing_secrets

# "<site> <key> <key>..." per app that needs keys; apps without blob triggers or hubs need none.
needs=$(node -e '
  const apps = JSON.parse(process.env.HIT_APPS);
  for (const a of apps) if (a.systemKeys.length) console.log([a.siteName, ...a.systemKeys].join(" "));
')
all_apps=$(node -e 'console.log(JSON.parse(process.env.HIT_APPS).map(a => a.name).join(","))')

if [ -z "$needs" ]; then
  echo "postdeploy: no app has blob triggers or Web PubSub hubs; nothing to wire."
  azd env set HIT_WIRED_APPS "$all_apps" >/dev/null 2>&1 || true
  exit 0
fi

echo "$needs" | while read -r site keys; do
  started=$(date +%s)
  for key in $keys; do
    echo "postdeploy: waiting for system key $key on $site"
    while :; do
      value=$(az functionapp keys list -g "$AZURE_RESOURCE_GROUP" -n "$site" --query "systemKeys.$key" -o tsv 2>/dev/null || true)
      [ -n "$value" ] && break
      if [ $(( $(date +%s) - started )) -ge "$timeout_seconds" ]; then
        echo "postdeploy: $site has no $key after ${timeout_seconds}s; is the app running? (az functionapp log / Application Insights)" >&2
        exit 1
      fi
      # A request starts the host if the platform has not started it yet.
      az rest --method post --uri "https://management.azure.com/subscriptions/$(az account show --query id -o tsv)/resourceGroups/$AZURE_RESOURCE_GROUP/providers/Microsoft.Web/sites/$site/syncfunctiontriggers?api-version=2024-04-01" >/dev/null 2>&1 || true
      sleep 10
    done
  done
done

export HIT_WIRED_APPS="$all_apps"
azd env set HIT_WIRED_APPS "$all_apps" >/dev/null 2>&1 || true

echo "postdeploy: re-applying main.bicep with HIT_WIRED_APPS=$HIT_WIRED_APPS"
az deployment sub create \
  --name "$AZURE_ENV_NAME-wire" \
  --location "$AZURE_LOCATION" \
  --template-file "$root/infra/bicep/main.bicep" \
  --parameters "$root/infra/bicep/main.bicepparam" \
  --output none
echo "postdeploy: web hooks wired."
