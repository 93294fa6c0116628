package apiclient_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	openapi_types "github.com/oapi-codegen/runtime/types"

	"github.com/ocopfair/ocopfair/dev/apiclient"
	"github.com/ocopfair/ocopfair/dev/apigen"
	"github.com/ocopfair/ocopfair/dev/localstack"
	"github.com/ocopfair/ocopfair/dev/testenv"
)

const (
	adminEmail    = "admin@example.vn"
	adminPassword = "admin-password-1"
)

type logWriter struct{ t *testing.T }

func (w logWriter) Write(p []byte) (int, error) {
	w.t.Log(strings.TrimRight(string(p), "\n"))
	return len(p), nil
}

// TestGatewayAPI starts the whole system from its binaries and reads its API only through the
// gateway: the merged document (whole, valid, routed as documented) generates exactly the
// committed client, the reference page shows the operations, and the generated client runs a
// producer's journey to a booth application.
func TestGatewayAPI(t *testing.T) {
	ctx := context.Background()
	stack, err := localstack.Start(ctx, localstack.Options{
		BinDir: testenv.Binaries(t, filepath.Join("..", "..")), DataDir: t.TempDir(), Logs: logWriter{t},
		Env: map[string]string{"OCOPFAIR_ADMIN_EMAIL": adminEmail, "OCOPFAIR_ADMIN_PASSWORD": adminPassword,
			"OCOPFAIR_OUTBOX_INTERVAL": "300ms", "OCOPFAIR_LOG_LEVEL": "warn"},
	})
	if err != nil {
		t.Fatal(err)
	}
	defer func() {
		if err := stack.Stop(); err != nil {
			t.Errorf("stop: %v", err)
		}
	}()
	gw := stack.URL("gateway")
	doc, err := apigen.Fetch(ctx, gw)
	if err != nil {
		t.Fatal(err) // a part missing, or the routing table and the documents disagree
	}
	t.Run("the committed client is what the live document generates", func(t *testing.T) {
		files, err := apigen.Generate(doc)
		if err != nil {
			t.Fatal(err)
		}
		for _, name := range []string{apigen.DocFile, apigen.ClientFile} {
			got, err := os.ReadFile(name)
			if err != nil {
				t.Fatal(err)
			}
			if line, same := firstDifference(got, files[name]); !same {
				t.Errorf("dev/apiclient/%s differs from what the live document generates from line %d on: run `make api-client`", name, line)
			}
		}
	})
	t.Run("the reference page shows an operation and its schema", func(t *testing.T) {
		referencePage(t, gw, doc)
	})
	var j journey
	t.Run("a producer applies for a booth through the generated client", func(t *testing.T) {
		j = producerApplies(t, gw, openFair(t, gw))
	})
	t.Run("errors and reasons reach the client in its language", func(t *testing.T) {
		if j.application == "" {
			t.Skip("the journey did not reach an application")
		}
		languagesReachTheClient(t, gw, j)
	})
}

// firstDifference returns the first line at which a and b differ, and whether they are equal.
func firstDifference(a, b []byte) (int, bool) {
	if bytes.Equal(a, b) {
		return 0, true
	}
	al, bl := strings.Split(string(a), "\n"), strings.Split(string(b), "\n")
	for i := range min(len(al), len(bl)) {
		if al[i] != bl[i] {
			return i + 1, false
		}
	}
	return min(len(al), len(bl)) + 1, false
}

func referencePage(t *testing.T, gw string, doc []byte) {
	spec, err := apigen.Load(doc)
	if err != nil {
		t.Fatal(err)
	}
	const path = "/api/fairs/{fairId}/applications"
	op := spec.Paths.Find(path).Post
	schema := op.RequestBody.Value.Content.Get("application/json").Schema.Ref
	schema = schema[strings.LastIndexByte(schema, '/')+1:]
	resp, err := http.Get(gw + "/docs")
	if err != nil {
		t.Fatal(err)
	}
	page, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	for _, want := range []string{`id="op-` + op.OperationID + `"`, "<code>" + path + "</code>", `id="schema-` + schema + `"`} {
		if resp.StatusCode != http.StatusOK || !bytes.Contains(page, []byte(want)) {
			t.Errorf("GET /docs: %d without %s", resp.StatusCode, want)
		}
	}
}

func ptr[T any](v T) *T { return &v }

// client returns a generated client of the gateway, sending token when it is not empty.
func client(t *testing.T, gw, token string) *apiclient.ClientWithResponses {
	t.Helper()
	c, err := apiclient.NewClientWithResponses(gw, apiclient.WithRequestEditorFn(func(_ context.Context, req *http.Request) error {
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		req.Header.Set("Accept-Language", "vi")
		return nil
	}))
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// signIn returns a client signed in as email.
func signIn(t *testing.T, gw, email, password string) *apiclient.ClientWithResponses {
	t.Helper()
	return client(t, gw, token(t, gw, email, password))
}

// token signs in as email and returns the access token.
func token(t *testing.T, gw, email, password string) string {
	t.Helper()
	r, err := client(t, gw, "").PostAuthLoginWithResponse(t.Context(), apiclient.PostAuthLoginJSONRequestBody{Email: email, Password: password})
	if err != nil || r.JSON200 == nil {
		t.Fatalf("sign in %s: %v %s", email, err, body(r, err))
	}
	return r.JSON200.AccessToken
}

// body is the status and body of a generated response, for failure messages.
func body(r interface{ StatusCode() int }, err error) string {
	if err != nil {
		return ""
	}
	// Every generated response keeps the raw body in its field Body.
	raw := reflect.ValueOf(r).Elem().FieldByName("Body").Bytes()
	return fmt.Sprintf("%d %s", r.StatusCode(), raw)
}

// openFair has the admin create an organiser, who creates a fair with ten booths, open for
// applications, and publishes it; it returns the fair's ID.
func openFair(t *testing.T, gw string) string {
	ctx := t.Context()
	admin := signIn(t, gw, adminEmail, adminPassword)
	acc, err := admin.PostAccountsWithResponse(ctx, &apiclient.PostAccountsParams{}, apiclient.PostAccountsJSONRequestBody{
		Email: "xttm@hanoi.example.vn", Password: "organiser-pass-1", Name: "Trung tâm Xúc tiến Thương mại Hà Nội",
		Role: apiclient.GatewayAccountCreateAccountRequestRoleOrganiser})
	if err != nil || acc.JSON201 == nil {
		t.Fatalf("create the organiser: %v %s", err, body(acc, err))
	}
	org := signIn(t, gw, "xttm@hanoi.example.vn", "organiser-pass-1")
	day := func(d int) *openapi_types.Date { return &openapi_types.Date{Time: time.Now().AddDate(0, 0, d)} }
	fair, err := org.PostFairsWithResponse(ctx, &apiclient.PostFairsParams{}, apiclient.PostFairsJSONRequestBody{
		NameVi: ptr("Hội chợ OCOP Hà Nội 2026"), Kind: ptr("fair"), Region: ptr("promo_red_river_delta"), HostProvince: ptr("01"),
		Venue:     &apiclient.EventFairVenueBodyInput{Name: "Cung Văn hóa Hữu nghị", Address: ptr("91 Trần Hưng Đạo, Hà Nội")},
		StartDate: day(30), EndDate: day(34), ApplicationsOpen: ptr(time.Now().Add(-time.Hour).Format(time.RFC3339)), ApplicationsClose: ptr(time.Now().AddDate(0, 0, 20).Format(time.RFC3339)),
		Eligibility: &apiclient.EventFairEligibilityBodyInput{MinStars: ptr(3), MaxBoothsPerProducer: ptr(2)}})
	if err != nil || fair.JSON201 == nil {
		t.Fatalf("create the fair: %v %s", err, body(fair, err))
	}
	id := fmt.Sprint(fair.JSON201.Id)
	booths, err := org.PostFairsIdBoothsWithResponse(ctx, id, &apiclient.PostFairsIdBoothsParams{}, apiclient.PostFairsIdBoothsJSONRequestBody{
		Grid: &apiclient.EventBoothGridInput{Zone: ptr("Khu Hà Nội"), Prefix: ptr("A"), Rows: ptr(2), Columns: ptr(5)}})
	if err != nil || booths.JSON201 == nil {
		t.Fatalf("add booths: %v %s", err, body(booths, err))
	}
	pub, err := org.PostFairsIdPublishWithResponse(ctx, id)
	if err != nil || pub.JSON200 == nil || !pub.JSON200.AcceptsApplicationsNow {
		t.Fatalf("publish: %v %s", err, body(pub, err))
	}
	return id
}

// producerApplies signs a producer up, fills its profile, adds a certified product, applies to
// fair and finds the application among its own.
func producerApplies(t *testing.T, gw, fair string) journey {
	ctx := t.Context()
	reg, err := client(t, gw, "").PostAuthRegisterWithResponse(ctx, &apiclient.PostAuthRegisterParams{}, apiclient.PostAuthRegisterJSONRequestBody{
		Email: "htx.tancuong@example.vn", Password: "chè-tân-cương-2026", Name: "HTX Chè Tân Cương",
		Role: apiclient.GatewayAccountRegisterRequestRoleProducer})
	if err != nil || reg.JSON201 == nil || reg.JSON201.AccessToken == nil {
		t.Fatalf("sign up: %v %s", err, body(reg, err))
	}
	p := client(t, gw, *reg.JSON201.AccessToken)
	prof, err := p.PostProducersWithResponse(ctx, &apiclient.PostProducersParams{}, apiclient.PostProducersJSONRequestBody{
		Kind: ptr(apiclient.ExhibitorProducerCreateRequestKindCooperative), LegalName: ptr("Hợp tác xã Chè Tân Cương"), TaxCode: ptr("4600123457"), Province: ptr("19"),
		Commune: ptr("Xã Tân Cương"), Phone: ptr("0912345678")})
	if err != nil || prof.JSON201 == nil {
		t.Fatalf("create the profile: %v %s", err, body(prof, err))
	}
	prod, err := p.PostProducersIdProductsWithResponse(ctx, fmt.Sprint(prof.JSON201.Id), &apiclient.PostProducersIdProductsParams{}, apiclient.PostProducersIdProductsJSONRequestBody{
		NameVi: ptr("Chè búp Tân Cương"), CriteriaSet: ptr(11), Stars: ptr(apiclient.ExhibitorProductCreateRequestStars(4)), Unit: ptr("box"),
		Certificate: &apiclient.ExhibitorProductCertificateBodyInput{DecisionNo: "1234/QĐ-UBND", IssuedBy: "UBND tỉnh Thái Nguyên",
			IssuedOn: openapi_types.Date{Time: time.Now().AddDate(0, -6, 0)}}})
	if err != nil || prod.JSON201 == nil {
		t.Fatalf("add the product: %v %s", err, body(prod, err))
	}
	// The exhibitor service learns of the published fair from its event: until then it refuses.
	var app *apiclient.ExhibitorApplicationResponse
	for deadline := time.Now().Add(30 * time.Second); app == nil; {
		r, err := p.PostFairsFairIdApplicationsWithResponse(ctx, fair, &apiclient.PostFairsFairIdApplicationsParams{}, apiclient.PostFairsFairIdApplicationsJSONRequestBody{
			ProductIds: []string{fmt.Sprint(prod.JSON201.Id)}, BoothCount: ptr(1), PreferredZone: ptr("Khu Hà Nội")})
		switch {
		case err == nil && r.JSON201 != nil:
			app = r.JSON201
		case time.Now().After(deadline):
			t.Fatalf("apply: %v %s", err, body(r, err))
		default:
			time.Sleep(200 * time.Millisecond)
		}
	}
	// IDs compare as text: the document gives some a uuid format, which the client decodes as such.
	appID := fmt.Sprint(app.Id)
	if fmt.Sprint(app.FairId) != fair || !app.Eligible || len(app.Products) != 1 {
		t.Errorf("the application %+v, want an eligible one to %s with its product", app, fair)
	}
	mine, err := p.GetApplicationsWithResponse(ctx, &apiclient.GetApplicationsParams{})
	if err != nil || mine.JSON200 == nil || !slices.ContainsFunc(mine.JSON200.Items, func(a apiclient.ExhibitorApplicationResponse) bool { return fmt.Sprint(a.Id) == appID }) {
		t.Fatalf("the producer's applications: %v %s, want %s among them", err, body(mine, err), appID)
	}
	one, err := p.GetApplicationsIdWithResponse(ctx, appID)
	if err != nil || one.JSON200 == nil || one.JSON200.Status != app.Status || fmt.Sprint(one.JSON200.ProducerId) != fmt.Sprint(prof.JSON201.Id) {
		t.Errorf("the application as the producer sees it: %v %s", err, body(one, err))
	}
	return journey{fair: fair, product: fmt.Sprint(prod.JSON201.Id), application: appID, producerToken: *reg.JSON201.AccessToken}
}
