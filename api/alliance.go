package api

import (
	"encoding/json"
	"net/http"

	"accord/domain"
	"accord/eventstore"
	"accord/ledger"
)

func (s *Server) formAlliance(w http.ResponseWriter, r *http.Request, caller Identity) error {
	var cmd domain.FormAlliance
	if err := decodeBody(r, &cmd); err != nil {
		return err
	}
	if caller.Role != domain.RoleAdmin {
		return domain.Errorf(domain.Forbidden, "only the admin forms alliances")
	}
	// The alliance's id comes from the command id, so a retry lands on the
	// alliance the first try formed, where the runner finds it recorded.
	r, aid, err := created(r, "", domain.CreatesAlliance)
	if err != nil {
		return err
	}
	res, _, err := s.run(r, caller, aid, cmd, nil)
	if err != nil {
		return err
	}
	if _, err := dataOf[domain.AllianceFormed](res); err != nil {
		return err
	}
	// The alliance as its formation left it: what the first call answered,
	// whatever happened since.
	writeJSON(w, http.StatusCreated, domain.Evolve(domain.Alliance{}, res.Records[0].Event))
	return nil
}

func (s *Server) listAlliances(w http.ResponseWriter, _ *http.Request, caller Identity) error {
	list := s.proj.List(caller.CanRead)
	writeJSON(w, http.StatusOK, map[string]any{"alliances": list})
	return nil
}

func (s *Server) getAlliance(w http.ResponseWriter, r *http.Request, caller Identity) error {
	ids, q, err := readRoute(r, caller)
	if err != nil {
		return err
	}
	out, err := s.readState(r, ids[0], q, func(st domain.Alliance) any { return st })
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

// readState renders fn's answer from the alliance's state now (from the read
// model) or as of q (folded from the log).
func (s *Server) readState(r *http.Request, aid string, q asOf, fn func(st domain.Alliance) any) (any, error) {
	if q.now() {
		var out json.RawMessage
		var ferr error
		err := s.proj.Read(aid, func(st domain.Alliance, _ eventstore.Position) {
			out, ferr = json.Marshal(fn(st))
		})
		if err == nil {
			err = ferr
		}
		return out, err
	}
	var st domain.Alliance
	var err error
	if q.seq != 0 {
		st, _, err = s.proj.StateAt(r.Context(), aid, q.seq)
	} else {
		st, _, err = s.proj.StateAtTime(r.Context(), aid, *q.at)
	}
	if err != nil {
		return nil, err
	}
	return fn(st), nil
}

// credential is the answer to admitting a member or adding an observer: the
// party's id and, once, its token.
type credential struct {
	ID    string `json:"id"`
	Token string `json:"token"`
	Name  string `json:"name"`
	Role  string `json:"role"`
	Seq   uint64 `json:"seq"`
}

func (s *Server) admitMember(w http.ResponseWriter, r *http.Request, caller Identity) error {
	var cmd domain.AdmitMember
	ids, err := writeRoute(r, caller, &cmd)
	if err != nil {
		return err
	}
	if r, cmd.MemberID, err = created(r, ids[0], domain.CreatesMember); err != nil {
		return err
	}
	data, res, err := runFor[domain.MemberAdmitted](s, r, caller, ids[0], cmd)
	if err != nil {
		return err
	}
	id := Identity{ID: data.MemberID, Role: data.Role, AllianceID: ids[0], Name: data.Name}
	return s.answerCredential(w, r, id, res)
}

func (s *Server) addObserver(w http.ResponseWriter, r *http.Request, caller Identity) error {
	var cmd domain.AddObserver
	ids, err := writeRoute(r, caller, &cmd)
	if err != nil {
		return err
	}
	if r, cmd.ObserverID, err = created(r, ids[0], domain.CreatesObserver); err != nil {
		return err
	}
	data, res, err := runFor[domain.ObserverAdded](s, r, caller, ids[0], cmd)
	if err != nil {
		return err
	}
	id := Identity{ID: data.ObserverID, Role: domain.RoleObserver, AllianceID: ids[0], Name: data.Name}
	return s.answerCredential(w, r, id, res)
}

// answerCredential issues the party's token (the same one again for a retried
// command) and answers it.
func (s *Server) answerCredential(w http.ResponseWriter, r *http.Request, id Identity, res ledger.Result) error {
	token, err := s.tokens.Issue(r.Context(), id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, credential{ID: id.ID, Token: token, Name: id.Name, Role: string(id.Role), Seq: res.Records[0].Event.Seq})
	return nil
}

func (s *Server) withdrawMember(w http.ResponseWriter, r *http.Request, caller Identity) error {
	var cmd domain.WithdrawMember
	ids, err := writeRoute(r, caller, &cmd, "mid")
	if err != nil {
		return err
	}
	cmd.MemberID = ids[1]
	_, out, err := s.run(r, caller, ids[0], cmd, jsonView(func(st domain.Alliance) any {
		m, _ := st.Member(cmd.MemberID)
		return m
	}))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

func (s *Server) formWorkgroup(w http.ResponseWriter, r *http.Request, caller Identity) error {
	var cmd domain.FormWorkgroup
	ids, err := writeRoute(r, caller, &cmd)
	if err != nil {
		return err
	}
	if r, cmd.WorkgroupID, err = created(r, ids[0], domain.CreatesWorkgroup); err != nil {
		return err
	}
	data, res, err := runFor[domain.WorkgroupFormed](s, r, caller, ids[0], cmd)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, map[string]any{"id": data.WorkgroupID, "workgroup": data, "seq": res.Records[0].Event.Seq})
	return nil
}

// runFor runs cmd for caller in alliance aid (see run) and returns the data
// of its first event as T, with the whole result.
func runFor[T domain.EventData](s *Server, r *http.Request, caller Identity, aid string, cmd domain.Command) (T, ledger.Result, error) {
	res, _, err := s.run(r, caller, aid, cmd, nil)
	if err != nil {
		var zero T
		return zero, res, err
	}
	data, err := dataOf[T](res)
	return data, res, err
}

// dataOf returns the data of the command's first event as T. A retried
// Idempotency-Key that first carried another kind of command is a conflict.
func dataOf[T domain.EventData](res ledger.Result) (T, error) {
	data, ok := res.Records[0].Event.Data.(T)
	if !ok {
		var zero T
		return zero, domain.Errorf(domain.Conflict, "this Idempotency-Key was already used for a %s", res.Records[0].Event.Type)
	}
	return data, nil
}
