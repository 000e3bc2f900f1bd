using System.Globalization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;

namespace Hit.Platform.Worker;

/// <summary>
/// The app's <see cref="TimeProvider"/>: the system clock, or — only in the Development environment — the system clock
/// shifted by <see cref="OffsetSetting"/>. End-to-end tests run the built app in its own process, where a test cannot
/// inject a fake clock; they restart it with a later offset instead, so expiry is exercised by the real code path.
/// </summary>
public static class WorkerClock
{
    /// <summary>A <see cref="TimeSpan"/> (<c>30.00:01:00</c>) added to the system clock.</summary>
    public const string OffsetSetting = "Hit:Testing:ClockOffset";

    /// <summary>Registers the clock, replacing the system clock the platform registered. Call after <c>AddHitPlatform</c>.</summary>
    public static IServiceCollection AddHitClock(this IServiceCollection services, IConfiguration configuration, IHostEnvironment environment)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(environment);
        if (configuration[OffsetSetting] is not { Length: > 0 } value)
        {
            services.TryAddSingleton(TimeProvider.System);
            return services;
        }

        // Fail closed: a shifted clock outside development would stretch or cut every lifetime the app enforces.
        if (!environment.IsDevelopment() || !TimeSpan.TryParse(value, CultureInfo.InvariantCulture, out var offset))
        {
            throw new InvalidOperationException($"{OffsetSetting} is a TimeSpan and only allowed in the Development environment.");
        }

        services.Replace(ServiceDescriptor.Singleton<TimeProvider>(new ShiftedTimeProvider(offset)));
        return services;
    }

    private sealed class ShiftedTimeProvider(TimeSpan offset) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => System.GetUtcNow() + offset;
    }
}
