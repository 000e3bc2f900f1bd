// Web PubSub hubs. Anonymous connections are denied: clients need a token from the app's negotiate
// endpoint. A hub's event handler is the serving app's Web PubSub extension webhook, which is protected by
// the app's `webpubsub_extension` system key. That key exists only after the app has been deployed and
// started once, so a hub is declared without a handler until its app is listed in `wiredApps` (main.bicep;
// set by infra/scripts/postdeploy). Re-provisioning keeps the handler because the same input declares it.
param webPubSubName string
@description('[{ name, handlerSiteName }]; handlerSiteName empty = no event handler yet.')
param hubs array

var plainHubs = filter(hubs, h => empty(h.handlerSiteName))
var handledHubs = filter(hubs, h => !empty(h.handlerSiteName))

resource webPubSub 'Microsoft.SignalRService/webPubSub@2024-03-01' existing = {
  name: webPubSubName
}

resource handlerSites 'Microsoft.Web/sites@2024-04-01' existing = [
  for hub in handledHubs: {
    name: hub.handlerSiteName
  }
]

resource handlerHosts 'Microsoft.Web/sites/host@2024-04-01' existing = [
  for (hub, i) in handledHubs: {
    parent: handlerSites[i]
    name: 'default'
  }
]

resource hubsWithoutHandler 'Microsoft.SignalRService/webPubSub/hubs@2024-03-01' = [
  for hub in plainHubs: {
    parent: webPubSub
    name: hub.name
    properties: {
      anonymousConnectPolicy: 'deny'
    }
  }
]

resource hubsWithHandler 'Microsoft.SignalRService/webPubSub/hubs@2024-03-01' = [
  for (hub, i) in handledHubs: {
    parent: webPubSub
    name: hub.name
    properties: {
      anonymousConnectPolicy: 'deny'
      eventHandlers: [
        {
          urlTemplate: 'https://${handlerSites[i].properties.defaultHostName}/runtime/webhooks/webpubsub?code=${handlerHosts[i].listKeys().systemKeys.webpubsub_extension}'
          userEventPattern: '*'
          systemEvents: [
            'connect'
            'connected'
            'disconnected'
          ]
        }
      ]
    }
  }
]
