// API Management (Consumption) as the Azure twin of the local gateway: every app under /<app-name>/…,
// forwarded verbatim to the app's host name. Apps authenticate callers themselves (JWT, HMAC), so APIs
// need no APIM subscription key; APIM only routes, as the local gateway does.
param name string
param location string
param tags object
param publisherEmail string
param publisherName string
@description('[{ name, hostName }]: one API per app.')
param backends array

// Operations are per method with a wildcard template, so any route of the app passes through.
var methods = [
  'GET'
  'POST'
  'PUT'
  'PATCH'
  'DELETE'
  'HEAD'
  'OPTIONS'
]

var routes = flatten(map(range(0, length(backends)), i => map(methods, m => {
  api: i
  method: m
})))

resource apim 'Microsoft.ApiManagement/service@2024-05-01' = {
  name: name
  location: location
  tags: tags
  sku: {
    name: 'Consumption'
    capacity: 0
  }
  properties: {
    publisherEmail: publisherEmail
    publisherName: publisherName
  }
}

resource apis 'Microsoft.ApiManagement/service/apis@2024-05-01' = [
  for app in backends: {
    parent: apim
    name: app.name
    properties: {
      displayName: app.name
      path: app.name
      serviceUrl: 'https://${app.hostName}'
      protocols: [
        'https'
      ]
      subscriptionRequired: false
      apiType: 'http'
    }
  }
]

// The app never sees its /<app> segment; links it hands out (Location, OpenAPI servers) need it, as behind the local
// gateway. Overridden, never appended: a client-sent value must not end up in another client's links.
resource prefixPolicies 'Microsoft.ApiManagement/service/apis/policies@2024-05-01' = [
  for (app, i) in backends: {
    parent: apis[i]
    name: 'policy'
    properties: {
      format: 'rawxml'
      value: '<policies><inbound><base /><set-header name="X-Forwarded-Prefix" exists-action="override"><value>/${app.name}</value></set-header></inbound><backend><base /></backend><outbound><base /></outbound><on-error><base /></on-error></policies>'
    }
  }
]

resource operations 'Microsoft.ApiManagement/service/apis/operations@2024-05-01' = [
  for route in routes: {
    parent: apis[route.api]
    name: '${toLower(route.method)}-any'
    properties: {
      displayName: '${route.method} /*'
      method: route.method
      urlTemplate: '/*'
    }
  }
]

output gatewayUrl string = apim.properties.gatewayUrl
