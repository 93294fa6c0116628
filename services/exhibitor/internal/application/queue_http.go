package application

import (
	"context"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/ocopfair/ocopfair/pkg/apperr"
	"github.com/ocopfair/ocopfair/pkg/auth"
	"github.com/ocopfair/ocopfair/pkg/httpx"
	"github.com/ocopfair/ocopfair/pkg/ocop"
	"github.com/ocopfair/ocopfair/pkg/openapi"
	"github.com/ocopfair/ocopfair/pkg/vntext"
)

// The messages of the organisers' queue.
var (
	msgQueueValue = apperr.M("queue_filter_invalid",
		"không có giá trị %q; hãy chọn trong: %s",
		"has no value %q; choose from: %s")
	msgQueueTooMany = apperr.M("queue_filter_too_many",
		"tối đa %d giá trị",
		"at most %d values")
	msgBulkIDs = apperr.M("bulk_review_ids",
		"hãy chọn từ 1 đến %d đơn đăng ký",
		"choose 1 to %d applications")
	msgBulkOtherFair = apperr.M("bulk_review_other_fair",
		"Đơn đăng ký này không thuộc hội chợ này.",
		"This application is not one of this fair's.")
)

// queueParams are the list's query parameters beyond status and paging, for its document.
var queueParams = []openapi.Param{
	{Name: "province", Description: "comma-separated province codes"},
	{Name: "sector", Description: "comma-separated sectors; an application matches when one of its products is of one"},
	{Name: "stars", Description: "comma-separated ratings (3, 4, 5) of the application's best product"},
	{Name: "eligible", Type: "boolean", Description: "only applications whose rules all pass (true) or not (false)"},
	{Name: "q", Description: "words of the producer's or a product's name, without diacritics if you like; at most 200 characters"},
	{Name: "sort", Enum: sortNames(), Description: "submitted (default: first come first), -submitted, producer_name, -stars, ineligible (those needing a look first)"},
}

func sortNames() []string {
	out := make([]string, len(Sorts))
	for i, s := range Sorts {
		out[i] = string(s)
	}
	return out
}

// queueOf reads the queue's filters from c's query; the statuses and producer are the caller's.
func queueOf(c *gin.Context) (Query, error) {
	var v apperr.Validation
	var q Query
	list := func(name string, allowed []string) []string {
		var out []string
		for _, s := range strings.Split(c.Query(name), ",") {
			if s = strings.TrimSpace(s); s == "" {
				continue
			}
			if allowed != nil && !slices.Contains(allowed, s) {
				v.Fail(name, msgQueueValue, s, strings.Join(allowed, ", "))
				continue
			}
			out = append(out, s)
		}
		if len(out) > maxQueueFilters {
			v.Fail(name, msgQueueTooMany, maxQueueFilters)
		}
		return out
	}
	q.Statuses = list("status", statusCodes())
	q.Provinces = list("province", provinceCodes())
	q.Sectors = list("sector", sectorCodes())
	for _, s := range list("stars", []string{"3", "4", "5"}) {
		n, _ := strconv.Atoi(s)
		q.Stars = append(q.Stars, n)
	}
	if s := c.Query("eligible"); s != "" {
		if b, err := strconv.ParseBool(s); v.Expect(err == nil, "eligible", msgQueueValue, s, "true, false") {
			q.Eligible = &b
		}
	}
	q.Text = vntext.NewWords(httpx.SearchText(c, &v))
	if s := c.Query("sort"); s != "" {
		if v.Expect(slices.Contains(Sorts, Sort(s)), "sort", msgQueueValue, s, strings.Join(sortNames(), ", ")) {
			q.Sort = Sort(s)
		}
	}
	return q, v.Err()
}

func statusCodes() []string {
	return []string{string(Submitted), string(Approved), string(Waitlisted), string(Rejected), string(Withdrawn), string(Cancelled)}
}

func provinceCodes() []string {
	var out []string
	for _, p := range ocop.Provinces() {
		out = append(out, p.Code)
	}
	return out
}

func sectorCodes() []string {
	var out []string
	for _, s := range ocop.Sectors() {
		out = append(out, s.Code)
	}
	return out
}

// queuePage answers a page of the queue: from the model, or without one from the database's
// list of the fair, filtered and ordered here.
func (h *Routes) queuePage(ctx context.Context, fairID string, q Query, page httpx.Page) ([]Application, error) {
	after, err := q.After(page.Cursor)
	if err != nil {
		return nil, err
	}
	if h.Model != nil {
		return h.Model.Queue(fairID, q, after, page.Limit+1), nil
	}
	all, err := h.fairApplications(ctx, fairID)
	if err != nil {
		return nil, err
	}
	return q.page(all, after, page.Limit+1), nil
}

// fairApplications reads every application of a fair from the database, page by page.
func (h *Routes) fairApplications(ctx context.Context, fairID string) ([]*Application, error) {
	var out []*Application
	after := ""
	for range 1000 { // 100,000 applications at most: more than any fair has
		apps, err := h.Store.List(ctx, fairID, "", nil, after, httpx.MaxLimit)
		if err != nil {
			return nil, err
		}
		for i := range apps {
			out = append(out, &apps[i])
		}
		if len(apps) < httpx.MaxLimit {
			break
		}
		after = apps[len(apps)-1].ID
	}
	return out, nil
}

// countsResponse is the number of a fair's applications per status under the queue's filters.
type countsResponse struct {
	ByStatus map[string]int `json:"by_status" doc:"every status, zero included: submitted, approved, waitlisted, rejected, withdrawn, cancelled"`
	Total    int            `json:"total"`
}

// registerQueue registers the queue's counts and bulk review.
func (h *Routes) registerQueue(api httpx.API) {
	api.Handle(openapi.Op{Method: http.MethodGet, Path: "/api/fairs/:fairId/applications/counts", Tag: "applications",
		Roles:   []string{auth.RoleProducer, auth.RoleOrganiser, auth.RoleAdmin},
		Summary: "How many of a fair's applications each status holds under the list's filters (its status filter aside): the numbers of the queue's tabs. Producers count their own.",
		Query:   queueParams, Response: countsResponse{}}, h.counts)
	api.Handle(openapi.Op{Method: http.MethodPost, Path: "/api/fairs/:fairId/applications/review", Tag: "applications",
		Roles:   []string{auth.RoleOrganiser, auth.RoleAdmin},
		Summary: "Review several applications of the fair at once (approve, waitlist or reject, up to 100). Each is moved as the single review moves it (none once the fair is completed or cancelled: application_fair_over); the answer says, for each, its new state or why it was not moved.",
		Request: bulkRequest{}, Response: bulkResponse{}}, h.bulk)
}

func (h *Routes) counts(c *gin.Context) {
	q, err := queueOf(c)
	if err != nil {
		httpx.RespondError(c, err)
		return
	}
	ctx := c.Request.Context()
	f, producerID, ok := h.listScope(c)
	if !ok {
		return
	}
	q.ProducerID = producerID
	var by map[string]int
	if h.Model != nil {
		by = h.Model.Counts(f.ID, q)
	} else {
		all, err := h.fairApplications(ctx, f.ID)
		if err != nil {
			httpx.RespondError(c, err)
			return
		}
		by = q.counts(all)
	}
	total := 0
	for _, n := range by {
		total += n
	}
	c.JSON(http.StatusOK, countsResponse{ByStatus: by, Total: total})
}

// listScope loads the fair of the request and says whose applications the caller lists: a
// producer its own, the fair's organisers and admins every one ("").
func (h *Routes) listScope(c *gin.Context) (Fair, string, bool) {
	ctx := c.Request.Context()
	f, err := h.fair(ctx, c.Param("fairId"))
	if err != nil {
		httpx.RespondError(c, err)
		return Fair{}, "", false
	}
	p, _ := httpx.PrincipalFrom(c)
	switch {
	case f.Private() && !canReview(p, f):
		// Not found, as the event service answers for a draft: a 403 or an empty list would
		// say it exists.
		httpx.RespondError(c, apperr.New(apperr.NotFound, msgFairNotFound))
		return Fair{}, "", false
	case p.Role == auth.RoleProducer:
		producerID, err := h.producerOf(ctx, p.AccountID)
		if err != nil {
			httpx.RespondError(c, err)
			return Fair{}, "", false
		}
		return f, producerID, true
	case !canReview(p, f):
		httpx.RespondError(c, apperr.New(apperr.Forbidden, msgOrganisersSee))
		return Fair{}, "", false
	}
	return f, "", true
}
