/**
 * Slack mrkdwn reads `<...>` as a link, a mention (`<!channel>`, `<@U123>`) or a channel, and `&`
 * starts an entity: a model name such as `<https://evil.example|Reprice here>` taken from a span
 * would otherwise post as a clickable link in the team's channel. Slack's own rule ("Escaping
 * text", api.slack.com/reference/surfaces/formatting#escaping) is to replace exactly these three.
 */
export function escapeSlackText(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
