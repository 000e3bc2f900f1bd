using Hit.Files;
using Hit.Files.Access;
using Hit.Files.Categories;
using Hit.Files.Page;
using Hit.Files.Thumbnails;
using Hit.Files.Uploads;
using Hit.Platform;

var builder = FunctionsApp.CreateBuilder(args);
builder.Services.AddFilesCore();
builder.Services.AddThumbnails();
builder.Services.AddCategories();

var app = builder.Build();
app.UseHitPlatform();
app.MapUploadFunctions();       // POST /files/upload, /files/upload-url, /files/{id}/complete
app.MapFileAccessFunctions();   // GET /files/{id}, …/content, …/thumbnails/{size}; DELETE /files/{id}
app.MapThumbnailFunctions();    // blob trigger MakeThumbnail on uploads/{name}
app.MapCategoryFunctions();     // /categories
app.MapUploadPage();            // GET /upload: the drag-and-drop page

app.Run();

/// <summary>Entry point, public for WebApplicationFactory.</summary>
public partial class Program;
