// What afk says to people in Slack outside the doorbell message itself.

/** Ephemeral, to someone not on the allowed list who replied in a doorbell thread. */
export const NOT_ALLOWED_NOTICE =
  "Only people on afk's list of allowed Slack users can steer agents; your reply was not passed on.";

/** Ephemeral, to someone not on the allowed list who pressed a doorbell button. */
export const NOT_ALLOWED_PRESS_NOTICE =
  "Only people on afk's list of allowed Slack users can steer agents; your button press was ignored.";

/** The reaction afk adds to a reply it relayed to the agent. */
export const RELAYED_REACTION = "white_check_mark";
