using Azure.Core;
using Azure.Storage.Queues;
using Hit.Email.Deliveries;
using Hit.Email.Http;
using Hit.Email.Providers;
using Hit.Email.Templates;
using Hit.Platform.Cosmos;
using Hit.Platform.Health;
using Hit.Platform.Worker;
using Microsoft.Extensions.Azure;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Hit.Email;

/// <summary>One <c>Add&lt;Feature&gt;()</c> per feature folder; Program.cs lists them.</summary>
internal static class EmailServices
{
    public const string ContainerName = "email";

    /// <summary>Options, the clock, the Cosmos container (deliveries and templates) and the callers' authentication.</summary>
    public static IServiceCollection AddEmailStore(this IServiceCollection services, IConfiguration configuration, IHostEnvironment environment)
    {
        services.AddOptions<EmailOptions>().BindConfiguration(EmailOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<EmailOptions>, EmailOptionsValidator>();
        services.AddOptions<SmtpOptions>().BindConfiguration(SmtpOptions.Section);
        services.AddOptions<SendGridOptions>().BindConfiguration(SendGridOptions.Section);
        services.AddOptions<EmailTestingOptions>().BindConfiguration(EmailTestingOptions.Section);
        // Fail closed: a hook that kills the worker has no business outside development.
        if (configuration[$"{EmailTestingOptions.Section}:{nameof(EmailTestingOptions.CrashAfterSendTo)}"] is { Length: > 0 } && !environment.IsDevelopment())
        {
            throw new InvalidOperationException("Email:Testing settings are only allowed in the Development environment.");
        }

        services.AddHitClock(configuration, environment);
        services.AddHitCosmos(json => json.TypeInfoResolverChain.Insert(0, EmailDocumentsJsonContext.Default));
        // TTL on without a default: delivery records carry their retention, templates never expire.
        services.AddHitCosmosContainer(ContainerName, defaultTtl: -1);
        services.AddHealthChecks().AddHitCosmosCheck(tags: HealthEndpoints.ReadyTag);
        services.AddSingleton<EmailCallers>();
        return services;
    }

    public static IServiceCollection AddTemplates(this IServiceCollection services)
    {
        services.AddSingleton<TemplateRenderer>();
        services.AddSingleton<TemplateStore>();
        return services;
    }

    /// <summary>Both providers are registered; the failover lists (EmailOptions.Providers) decide which are used.</summary>
    public static IServiceCollection AddProviders(this IServiceCollection services)
    {
        services.AddSingleton<SmtpProvider>();
        services.AddSingleton<IEmailProvider>(sp => sp.GetRequiredService<SmtpProvider>());
        services.AddHttpClient(SendGridProvider.HttpClientName, (sp, client) => client.Timeout = sp.GetRequiredService<IOptions<SendGridOptions>>().Value.Timeout);
        services.AddSingleton<IEmailProvider, SendGridProvider>();
        services.AddSingleton<EmailProviders>();
        return services;
    }

    /// <summary>The queue client, the delivery records and the pipeline the queue trigger runs.</summary>
    public static IServiceCollection AddDeliveries(this IServiceCollection services, IConfiguration configuration)
    {
        var connection = configuration.GetSection(EmailQueue.Connection);
        services.AddAzureClients(clients => clients.AddClient<QueueServiceClient, QueueClientOptions>((QueueClientOptions options, TokenCredential _) =>
        {
            // Base64, as the Functions host's queue trigger decodes by default (host.json messageEncoding).
            options.MessageEncoding = QueueMessageEncoding.Base64;
            return EmailQueue.Create(connection, options);
        }));
        services.AddSingleton<EmailQueue>();
        services.AddSingleton<DeliveryStore>();
        services.AddSingleton<DeliveryProcessor>();
        return services;
    }
}
