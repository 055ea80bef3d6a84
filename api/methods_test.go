package api_test

import (
	"net/http"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestKnownPathOtherMethod sends every registered path each method it does
// not take: 405 in the error shape, with an Allow header naming the methods
// it does take (HEAD wherever GET is), and nothing written. A path no route
// knows stays 404.
func TestKnownPathOtherMethod(t *testing.T) {
	e := newEnv(t)
	a := e.formAlliance(consensus, 1)
	head := e.head(a.ID)

	allowed := map[string][]string{} // concrete path → methods
	param := regexp.MustCompile(`\{\w+\}`)
	for _, route := range registeredRoutes(t) {
		method, path, _ := strings.Cut(route, " ")
		path = param.ReplaceAllString(path, a.ID)
		allowed[path] = append(allowed[path], method)
		if method == http.MethodGet {
			allowed[path] = append(allowed[path], http.MethodHead)
		}
	}
	require.Greater(t, len(allowed), 25)
	tried := 0
	for path, methods := range allowed {
		slices.Sort(methods)
		for _, m := range []string{"DELETE", "GET", "PATCH", "POST", "PUT", "OPTIONS"} {
			if slices.Contains(methods, m) {
				continue
			}
			ans := e.do(m, path, a.Members[0].Token, nil)
			errorAnswer(t, ans, 405, "method_not_allowed", m, path)
			require.Equal(t, strings.Join(methods, ", "), ans.Header.Get("Allow"), "%s %s", m, path)
			tried++
		}
	}
	t.Logf("%d method and path pairs answered 405", tried)
	require.Equal(t, head, e.head(a.ID), "nothing written")

	// The example of the report: DELETE on the vote, which takes only PUT.
	ans := e.do("DELETE", "/v1/alliances/"+a.ID+"/proposals/"+a.ID+"/vote", a.Members[0].Token, nil)
	errorAnswer(t, ans, 405, "method_not_allowed", "takes PUT")
	require.Equal(t, "PUT", ans.Header.Get("Allow"))
	ans = e.do("PUT", "/v1/alliances", "", nil)
	require.Equal(t, 405, ans.Status, "answered before authentication: the routes are public")
	require.Equal(t, "GET, HEAD, POST", ans.Header.Get("Allow"))

	for _, path := range []string{"/v1/nothing", "/v1/alliances/" + a.ID + "/nothing", "/v1/alliances/" + a.ID + "/proposals/" + a.ID + "/vote/x"} {
		errorAnswer(t, e.do("DELETE", path, adminToken, nil), 404, "not_found", "no route")
	}
}
