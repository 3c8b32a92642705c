/**
 * Kamailio as the reference of bench:calls: a stateful proxy routing each INVITE to the callee's
 * registered contact (`lookup("location")` + `t_relay()`), record-routing so the BYE passes it too.
 * One transaction per request where openucm's B2BUA runs two (one per leg).
 */
export function kamailioProxyConfig(port: number, modulesDir: string): string {
  return `#!KAMAILIO
# bench:calls reference proxy (generated): registrar + usrloc in memory, tm, record-route.
debug=0
log_stderror=yes
children=2
# Receive buffer up to 4 MB (net.core.rmem_max here): the default 256 KB drops replies in bursts.
maxbuffer=4194304
auto_aliases=no
listen=udp:127.0.0.1:${port}
alias="127.0.0.1:${port}"
mpath="${modulesDir}"
loadmodule "tm.so"
loadmodule "sl.so"
loadmodule "rr.so"
loadmodule "pv.so"
loadmodule "maxfwd.so"
loadmodule "textops.so"
loadmodule "siputils.so"
loadmodule "usrloc.so"
loadmodule "registrar.so"
modparam("usrloc", "db_mode", 0)
modparam("registrar", "min_expires", 60)
modparam("registrar", "max_expires", 3600)
request_route {
  if (!mf_process_maxfwd_header("10")) { sl_send_reply("483", "Too Many Hops"); exit; }
  if (is_method("REGISTER")) { save("location"); exit; }
  if (is_method("OPTIONS") && !has_totag()) { sl_send_reply("200", "OK"); exit; }
  if (is_method("CANCEL")) { if (t_check_trans()) t_relay(); exit; }
  if (has_totag()) {
    if (loose_route()) { t_relay(); exit; }
    if (is_method("ACK")) { if (t_check_trans()) t_relay(); exit; }
    sl_send_reply("404", "Not Here");
    exit;
  }
  t_check_trans();
  if (is_method("INVITE")) record_route();
  if (!lookup("location")) { sl_send_reply("404", "Not Found"); exit; }
  if (!t_relay()) sl_reply_error();
}
`;
}
