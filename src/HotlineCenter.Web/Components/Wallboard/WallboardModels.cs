namespace HotlineCenter.Web.Components.Wallboard;

/// <summary>A supervisor's move of a waiting call to another queue.</summary>
public sealed record QueueMove(string CallId, HotlineCenter.Abstractions.Queues.QueueSnapshot Target);

/// <summary>A supervisor's choice of counsellor for a waiting call.</summary>
public sealed record CounselorPick(string CallId, string CounselorId);
