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
