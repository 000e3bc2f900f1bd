using System.Reflection;
using System.Runtime.Loader;
using Microsoft.Azure.Functions.Worker;

namespace Hit.Platform.Worker;

/// <summary>A function's class and its methods of the entry point's name (overloads included).</summary>
public sealed record FunctionMethod(Type Type, IReadOnlyList<MethodInfo> Methods)
{
    /// <summary>The attribute on the method (first) or its class, or null.</summary>
    public T? Attribute<T>() where T : Attribute =>
        Methods.Select(m => m.GetCustomAttribute<T>(inherit: false)).FirstOrDefault(a => a is not null)
        ?? Type.GetCustomAttribute<T>(inherit: false);
}

/// <summary>
/// Finds the method behind a function the way the worker's own method locator does, so platform middleware can read
/// attributes next to the function (<see cref="RequireHmacSignatureAttribute"/>, <see cref="Http.RequestBodyLimitAttribute"/>):
/// worker functions have no endpoint metadata to carry them.
/// </summary>
public static class FunctionMethods
{
    /// <summary>
    /// The method at <paramref name="entryPoint"/> (<c>Namespace.Class.Method</c>, functions.metadata's
    /// <c>entryPoint</c>) in the assembly at <paramref name="pathToAssembly"/> (its <c>scriptFile</c>), or null.
    /// </summary>
    public static FunctionMethod? Find(string pathToAssembly, string entryPoint)
    {
        ArgumentException.ThrowIfNullOrEmpty(pathToAssembly);
        ArgumentException.ThrowIfNullOrEmpty(entryPoint);
        var dot = entryPoint.LastIndexOf('.');
        // By identity, not path: the app's assembly is normally loaded already (a test loads it from another folder).
        var name = AssemblyName.GetAssemblyName(pathToAssembly).FullName;
        var assembly = AssemblyLoadContext.Default.Assemblies.FirstOrDefault(a => a.FullName == name)
            ?? AssemblyLoadContext.Default.LoadFromAssemblyPath(pathToAssembly);
        var type = dot > 0 ? assembly.GetType(entryPoint[..dot]) : null;
        var methods = type?.GetMethods(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static)
            .Where(m => m.Name == entryPoint[(dot + 1)..]).ToArray();
        return type is null || methods is not { Length: > 0 } ? null : new FunctionMethod(type, methods);
    }

    /// <inheritdoc cref="Find(string, string)"/>
    public static FunctionMethod? Find(FunctionDefinition function)
    {
        ArgumentNullException.ThrowIfNull(function);
        return Find(function.PathToAssembly, function.EntryPoint);
    }
}
