namespace HotlineCenter.Web.Resources;

/// <summary>Marker for the console's UI strings (UiText.resx is Chinese, UiText.en.resx English).</summary>
public sealed class UiText;
