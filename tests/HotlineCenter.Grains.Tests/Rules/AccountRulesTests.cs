using HotlineCenter.Abstractions.Accounts;
using HotlineCenter.Grains.Accounts;

namespace HotlineCenter.Grains.Tests.Rules;

public sealed class AccountRulesTests
{
    [Fact]
    public void Account_changes_need_a_name_a_known_role_and_a_counselor_id_for_counselors()
    {
        Assert.Empty(AccountRules.UpdateProblems(new AccountUpdate("王雪", [StaffRole.Counselor], "c-wang", false)));
        Assert.Empty(AccountRules.UpdateProblems(new AccountUpdate("周主任", [StaffRole.Supervisor, StaffRole.Auditor], null, true)));
        Assert.Contains("display name must be 1–100 characters", AccountRules.UpdateProblems(new AccountUpdate(" ", [StaffRole.Admin], null, false)));
        Assert.Contains("at least one role is required", AccountRules.UpdateProblems(new AccountUpdate("x", [], null, false)));
        Assert.Contains("unknown role", AccountRules.UpdateProblems(new AccountUpdate("x", [(StaffRole)42], null, false)));
        Assert.Contains("a counsellor account must name its counsellor id", AccountRules.UpdateProblems(new AccountUpdate("x", [StaffRole.Counselor], "Not Valid", false)));
    }
}
