using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using ProcoreAdmin.Tests.Support;
using ProcoreAdmin.Web.Components.Layout;
using ProcoreAdmin.Web.Components.Shared;

namespace ProcoreAdmin.Tests.Web.Components;

/// <summary>The pieces every page shares: the error boundary and named loading bars.</summary>
public sealed class PageChromeTests : MudComponentTest
{
    [Fact]
    public void PageErrorBoundary_WhenAPageThrows_ShowsAPlainMessage_AndTryAgainRendersThePageAgain()
    {
        Context.Services.AddLogging();
        var fail = true;
        RenderFragment body = b =>
        {
            b.OpenComponent<Thrower>(0);
            b.AddAttribute(1, nameof(Thrower.Fail), fail);
            b.CloseComponent();
        };

        var cut = Context.Render<PageErrorBoundary>(p => p.AddChildContent(body));

        var message = cut.Find("#page-error");
        Assert.Contains("Something went wrong on this page", message.TextContent);
        Assert.DoesNotContain("InvalidOperationException", cut.Markup);
        Assert.DoesNotContain("TESTSECRET", cut.Markup);

        fail = false;
        cut.Render(p => p.AddChildContent(body));
        cut.Find("#page-error-retry").Click();
        cut.WaitForAssertion(() => Assert.Equal("page content", cut.Find("#thrower").TextContent));
    }

    [Fact]
    public void LoadingBar_IsAProgressBarWithAName()
    {
        var cut = Context.Render<LoadingBar>(p => p.Add(x => x.Label, "Loading credentials"));

        var bar = cut.Find("[role=progressbar]");
        Assert.Equal("Loading credentials", bar.GetAttribute("aria-label"));
    }

    private sealed class Thrower : ComponentBase
    {
        [Parameter]
        public bool Fail { get; set; }

        protected override void BuildRenderTree(Microsoft.AspNetCore.Components.Rendering.RenderTreeBuilder builder)
        {
            if (Fail)
            {
                throw new InvalidOperationException("TESTSECRET-boom");
            }

            builder.OpenElement(0, "p");
            builder.AddAttribute(1, "id", "thrower");
            builder.AddContent(2, "page content");
            builder.CloseElement();
        }
    }
}
