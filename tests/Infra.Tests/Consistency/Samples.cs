namespace Infra.Tests.Consistency;

/// <summary>
/// Apps that do not exist yet but exercise every resource kind (blob trigger, queues, hubs, TTL), as a
/// manifest plus the matching apps-list entry. Tests add them to copies of the real Bicep.
/// </summary>
internal static class Samples
{
    public const string GalleryYaml = """
        name: gallery
        project: Gallery.csproj
        cosmos:
          containers:
            - name: gallery
              ttl: false
        storage:
          queues:
            trigger: []
            send: []
          blobs:
            trigger: [uploads]
            readWrite: [uploads, thumbnails]
        webpubsub:
          hubs: []
        settings:
          - name: Storage__BlobEndpoint
            from: storage.blobEndpoint
        """;

    public const string GalleryEntry = """
          {
            name: 'gallery'
            folder: 'Gallery'
            deploymentContainer: 'deploy-gallery'
            cosmos: {
              containers: [
                { name: 'gallery', ttl: false }
              ]
            }
            storage: {
              queues: { trigger: [], send: [] }
              blobs: {
                trigger: [
                  { container: 'uploads', function: 'MakeGalleryThumbnail' }
                ]
                readWrite: ['uploads', 'thumbnails']
              }
            }
            webpubsub: { hubs: [] }
            settings: [
              { name: 'Storage__BlobEndpoint', from: 'storage.blobEndpoint' }
            ]
          }
        """;

    public const string PaymentsYaml = """
        name: payments
        project: Payments.csproj
        cosmos:
          containers:
            - name: payments
              ttl: true
        storage:
          queues:
            trigger: [payments]
            send: [payments, email]
          blobs:
            trigger: []
            readWrite: []
        webpubsub:
          hubs: []
        settings:
          - name: Payments__QueueName
            value: payments
          - name: Auth__JwksUrl
            from: auth.jwksUrl
        """;

    public const string PaymentsEntry = """
          {
            name: 'payments'
            folder: 'Payments'
            deploymentContainer: 'deploy-payments'
            cosmos: {
              containers: [
                { name: 'payments', ttl: true }
              ]
            }
            storage: {
              queues: {
                trigger: ['payments']
                send: ['payments', 'email']
              }
              blobs: { trigger: [], readWrite: [] }
            }
            webpubsub: { hubs: [] }
            settings: [
              { name: 'Payments__QueueName', value: 'payments' }
              { name: 'Auth__JwksUrl', from: 'auth.jwksUrl' }
            ]
          }
        """;

    public const string ChatYaml = """
        name: chat
        project: Chat.csproj
        cosmos:
          containers:
            - name: chat
              ttl: true
        storage:
          queues: { trigger: [], send: [] }
          blobs: { trigger: [], readWrite: [] }
        webpubsub:
          hubs: [chat]
        settings:
          - name: WebPubSub__Endpoint
            from: webpubsub.endpoint
          - name: Chat__ClientId
            from: identity.clientId
        """;

    public const string ChatEntry = """
          {
            name: 'chat'
            folder: 'Chat'
            deploymentContainer: 'deploy-chat'
            cosmos: {
              containers: [
                { name: 'chat', ttl: true }
              ]
            }
            storage: {
              queues: { trigger: [], send: [] }
              blobs: { trigger: [], readWrite: [] }
            }
            webpubsub: { hubs: ['chat'] }
            settings: [
              { name: 'WebPubSub__Endpoint', from: 'webpubsub.endpoint' }
              { name: 'Chat__ClientId', from: 'identity.clientId' }
            ]
          }
        """;

    /// <summary>main.bicep with <paramref name="entries"/> appended to the apps list.</summary>
    public static string WithEntries(string main, params string[] entries)
    {
        const string Marker = "var apps = [\n";
        var at = main.IndexOf(Marker, StringComparison.Ordinal);
        Assert.True(at >= 0, "main.bicep has no 'var apps = [' line");
        return main.Insert(at + Marker.Length, string.Join("\n", entries) + "\n");
    }
}
