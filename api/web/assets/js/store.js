// store.js: what the page knows: who is signed in, the alliance's state as
// GET /v1/alliances/{aid} answered it, and lookups into it. Panels read
// from here; only app.js and live.js write to it.

export const app = {
  me: null, // {id, role, alliance_id, name} from POST /v1/session
  aid: null,
  st: null,
  idx: null,
  proposal: null, // the id of the proposal shown in detail, if any
};

// setState takes a new alliance state and indexes it.
export function setState(st) {
  const by = (list) => new Map((list || []).map((x) => [x.id, x]));
  app.st = st;
  app.idx = {
    members: by(st.members),
    observers: by(st.observers),
    proposals: by(st.proposals),
    commitments: by(st.commitments),
    workgroups: by(st.workgroups),
  };
}

export function memberName(id) {
  const m = app.idx && app.idx.members.get(id);
  return m ? m.name : 'member ' + String(id).slice(0, 8);
}

export function proposalTitle(id, fallback) {
  const p = app.idx && app.idx.proposals.get(id);
  return p ? p.title : fallback || 'proposal ' + String(id).slice(0, 8);
}

export function commitmentText(id) {
  const c = app.idx && app.idx.commitments.get(id);
  return c ? c.description : 'commitment ' + String(id).slice(0, 8);
}

export function workgroupName(id) {
  const w = app.idx && app.idx.workgroups.get(id);
  return w ? w.name : 'workgroup ' + String(id).slice(0, 8);
}

export function actorName(a) {
  if (!a) return '';
  if (a.role === 'admin') return 'Administrator';
  if (a.role === 'system') return 'accord';
  if (a.member_id) return memberName(a.member_id);
  const o = app.idx && app.idx.observers.get(a.id);
  return o ? o.name : a.role;
}

// ---- what the signed-in party may do (the server decides; the page only
// offers what it would accept) ----------------------------------------------

function inAlliance() {
  return !!(app.me && app.st && app.me.alliance_id === app.st.id);
}

// myMember is the signed-in party's member entry when it is an active member
// (or convener) of the alliance shown, else null.
export function myMember() {
  if (!inAlliance() || (app.me.role !== 'member' && app.me.role !== 'convener')) return null;
  const m = app.idx.members.get(app.me.id);
  return m && m.status === 'active' ? m : null;
}

export const can = {
  act: () => !!myMember() && !app.st.concluded,
  convene: () => can.act() && myMember().role === 'convener',
  admit: () => !!app.st && !app.st.concluded && ((app.me && app.me.role === 'admin') || can.convene()),
  isMe: (memberID) => !!myMember() && memberID === app.me.id,
};

export function pendingAmendments(p) {
  return (p.amendments || []).filter((a) => a.status === 'proposed');
}
