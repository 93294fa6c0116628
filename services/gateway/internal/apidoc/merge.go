package apidoc

import (
	"maps"
	"slices"
	"strings"

	"github.com/ocopfair/ocopfair/services/gateway/internal/proxy"
)

// Gateway names the gateway's own part of the merged document.
const Gateway = "gateway"

// bearer is the one security scheme of the merged document: every part's schemes are the
// gateway's tokens under whatever name the part gave them.
const bearer = "bearer"

// part is one document to merge: the gateway's own or a service's, decoded as generic JSON so
// that whatever the services' generator adds (examples, components of any kind, extensions)
// passes through unchanged.
type part struct {
	service string
	doc     map[string]any
	// stale is set when the service did not answer and doc is the last one it served.
	stale bool
}

// merged is what merge builds, before it is encoded.
type merged struct {
	doc      map[string]any
	unrouted []string
	dead     []string
}

// merge combines parts (the gateway's own first) into one OpenAPI document for clients of the
// gateway: each part's /api operations that the gateway routes to it, component names prefixed
// with the part's service, one bearer security scheme, and the gateway as the server. missing
// names the upstreams whose document is not known; the document says so in its info and in
// x-ocopfair-missing, and the routing check's findings go to x-ocopfair-routing.
func merge(parts []part, missing []string) merged {
	var own []string
	documented := map[string][]string{}
	paths := map[string]any{}
	components := map[string]map[string]any{}
	opIDs := map[string]bool{}
	var tags []any
	tagSeen := map[string]bool{}
	var stale []string
	problem := gatewayProblem(parts)
	for _, p := range parts {
		if p.stale {
			stale = append(stale, p.service)
		}
		p.doc = prefixComponents(p, components)
		for path, item := range asMap(p.doc["paths"]) {
			if !strings.HasPrefix(path, "/api/") {
				continue // the console's page and files are not API
			}
			if p.service == Gateway {
				own = append(own, path)
			} else {
				documented[p.service] = append(documented[p.service], path)
				if proxy.ServiceFor(path) != p.service {
					continue // unreachable through the gateway: reported by the check below
				}
			}
			if _, taken := paths[path]; taken {
				continue // the gateway's own route wins, as it does when serving
			}
			paths[path] = markOperations(p, asMap(item), opIDs, problem)
		}
		for _, t := range asSlice(p.doc["tags"]) {
			if name, _ := asMap(t)["name"].(string); name != "" && !tagSeen[name] {
				tagSeen[name] = true
				tags = append(tags, t)
			}
		}
	}
	for _, s := range missing {
		delete(documented, s)
	}
	unrouted, dead := proxy.Check(own, documented)
	doc := map[string]any{
		"openapi":            openAPIVersion(parts),
		"info":               info(missing, stale),
		"servers":            []any{map[string]any{"url": "/", "description": "ocopfair gateway"}},
		"paths":              paths,
		"x-ocopfair-missing": nonNil(missing),
		"x-ocopfair-stale":   nonNil(stale),
		"x-ocopfair-routing": map[string]any{"unrouted": nonNil(unrouted), "dead": nonNil(dead)},
	}
	comps := map[string]any{"securitySchemes": map[string]any{bearer: map[string]any{"type": "http", "scheme": "bearer", "bearerFormat": "JWT",
		"description": "Mã truy cập từ POST /api/auth/login hoặc /api/auth/register (Access token from sign-in or sign-up)."}}}
	for kind, named := range components {
		comps[kind] = named
	}
	doc["components"] = comps
	if len(tags) > 0 {
		doc["tags"] = tags
	}
	return merged{doc: doc, unrouted: unrouted, dead: dead}
}

// prefixComponents copies p's components into out under names prefixed with p's service, and
// returns p's document with its references rewritten to match, so that two services' schemas
// of the same name (every service has a Problem) stay apart.
func prefixComponents(p part, out map[string]map[string]any) map[string]any {
	prefix := strings.ToUpper(p.service[:1]) + p.service[1:]
	renamed := map[string]string{}
	for kind, named := range asMap(p.doc["components"]) {
		if kind == "securitySchemes" {
			continue
		}
		for name := range asMap(named) {
			renamed["#/components/"+kind+"/"+name] = "#/components/" + kind + "/" + prefix + name
		}
	}
	doc := renameRefs(p.doc, renamed).(map[string]any)
	for kind, named := range asMap(doc["components"]) {
		if kind == "securitySchemes" {
			continue
		}
		if out[kind] == nil {
			out[kind] = map[string]any{}
		}
		for name, v := range asMap(named) {
			out[kind][prefix+name] = v
		}
	}
	return doc
}

// renameRefs returns v with every "$ref" found in renamed replaced by its new name.
func renameRefs(v any, renamed map[string]string) any {
	switch t := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(t))
		for k, e := range t {
			if s, ok := e.(string); ok && k == "$ref" {
				if n, ok := renamed[s]; ok {
					e = n
				}
			}
			out[k] = renameRefs(e, renamed)
		}
		return out
	case []any:
		out := make([]any, len(t))
		for i, e := range t {
			out[i] = renameRefs(e, renamed)
		}
		return out
	}
	return v
}

// gatewayProblem is the schema of the problem documents the gateway writes itself: its own
// Problem when its document has one.
func gatewayProblem(parts []part) map[string]any {
	for _, p := range parts {
		if p.service == Gateway && asMap(asMap(asMap(p.doc["components"])["schemas"])["Problem"]) != nil {
			return map[string]any{"$ref": "#/components/schemas/GatewayProblem"}
		}
	}
	return map[string]any{"type": "object"}
}

// badGateway is the response the gateway gives for a service that does not answer.
func badGateway(problem map[string]any) map[string]any {
	return map[string]any{"description": "Dịch vụ không trả lời; thử lại sau ít phút (the service did not answer; try again shortly).",
		"content": map[string]any{"application/problem+json": map[string]any{"schema": problem}}}
}

// methods are the keys of a path item that hold operations.
var methods = []string{"get", "put", "post", "delete", "options", "head", "patch", "trace"}

// markOperations returns item with each operation tagged with the service that serves it
// (x-ocopfair-service), its security requirements under the one scheme's name, and an
// operationId unique in the merged document (prefixed with the service on a clash). A service's
// operation also declares the 502 the gateway answers when the service does not.
func markOperations(p part, item map[string]any, opIDs map[string]bool, problem map[string]any) map[string]any {
	out := maps.Clone(item)
	for _, m := range methods {
		op, ok := item[m].(map[string]any)
		if !ok {
			continue
		}
		op = maps.Clone(op)
		op["x-ocopfair-service"] = p.service
		if responses := asMap(op["responses"]); p.service != Gateway && responses != nil && responses["502"] == nil {
			responses = maps.Clone(responses)
			responses["502"] = badGateway(problem)
			op["responses"] = responses
		}
		if _, ok := op["security"]; !ok && p.doc["security"] != nil {
			op["security"] = p.doc["security"]
		}
		if reqs := asSlice(op["security"]); reqs != nil {
			one := make([]any, 0, len(reqs))
			for _, r := range reqs {
				if len(asMap(r)) == 0 {
					one = append(one, map[string]any{}) // anonymous allowed
				} else {
					one = append(one, map[string]any{bearer: []any{}})
				}
			}
			op["security"] = one
		}
		if id, _ := op["operationId"].(string); id != "" {
			if opIDs[id] {
				id = p.service + strings.ToUpper(id[:1]) + id[1:]
				op["operationId"] = id
			}
			opIDs[id] = true
		}
		out[m] = op
	}
	return out
}

// info is the merged document's info: what it is, and which parts are missing or stale.
func info(missing, stale []string) map[string]any {
	desc := "Toàn bộ API của ocopfair qua cổng (gateway): đăng nhập, tài khoản, luồng cập nhật trực tiếp " +
		"và các đường dẫn /api mà cổng chuyển tới dịch vụ event, exhibitor, matchmaking.\n\n" +
		"The whole ocopfair API through the gateway: sign-in, accounts, the live stream, and every /api path " +
		"the gateway routes to the event, exhibitor and matchmaking services. Component names carry their service's prefix."
	if len(missing) > 0 {
		desc += "\n\nThiếu phần của dịch vụ (không trả lời): " + strings.Join(missing, ", ") +
			". Missing the part of (did not answer): " + strings.Join(missing, ", ") + "."
	}
	if len(stale) > 0 {
		desc += "\n\nPhần cũ đã lưu, dịch vụ đang không trả lời: " + strings.Join(stale, ", ") +
			". Last known part, the service is not answering now: " + strings.Join(stale, ", ") + "."
	}
	return map[string]any{"title": "ocopfair API", "version": "1.0.0", "description": desc}
}

// openAPIVersion is the version the parts are written in (all come from one generator).
func openAPIVersion(parts []part) string {
	for _, p := range parts {
		if v, _ := p.doc["openapi"].(string); v != "" {
			return v
		}
	}
	return "3.0.3"
}

func asMap(v any) map[string]any {
	m, _ := v.(map[string]any)
	return m
}

func asSlice(v any) []any {
	s, _ := v.([]any)
	return s
}

// nonNil makes an empty list encode as [] rather than null.
func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return slices.Clip(s)
}
