using HotlineCenter.Abstractions.Common;
using HotlineCenter.Abstractions.Crises;

namespace HotlineCenter.Abstractions.Tests;

public sealed class CrisisKeysTests
{
    [Fact]
    public void A_case_id_is_derived_from_its_call_id_and_back()
    {
        var caseId = CrisisKeys.CaseId("CA0123456789abcdef0123456789abcdef");

        Assert.Equal("case-CA0123456789abcdef0123456789abcdef", caseId);
        Assert.Equal("CA0123456789abcdef0123456789abcdef", CrisisKeys.CallIdOf(caseId));
    }

    [Theory]
    [InlineData("")]
    [InlineData("CA 1")]
    [InlineData("CA/1")]
    public void A_bad_call_id_has_no_case(string callId) =>
        Assert.Equal("key.invalid-call-id", Assert.Throws<HotlineRuleException>(() => CrisisKeys.CaseId(callId)).Code);

    [Theory]
    [InlineData("CA1")]
    [InlineData("case-")]
    [InlineData("case-CA 1")]
    public void Something_else_is_not_a_case_id(string id) => Assert.Null(CrisisKeys.CallIdOf(id));
}
