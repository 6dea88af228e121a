-- Portable SQL (H2 and PostgreSQL). Triage (issue 19), written by the journal writer in the transaction that stores
-- the customer message it is about.
-- conversation_routes: the desks a conversation goes to, recorded with its first message routed while its channel
-- has a route with conditions ("sticky"), so that later messages stay with the desks that opened its tickets
-- whatever the rules say of them; replaced only by a route with `reroute: true`. One row per desk, in route order
-- (position); assignment is the route's desk-side setting (Zendesk group...) as form-encoded key=value pairs;
-- route names the route(s) that chose the desks. A re-route leaves the desks it drops with active = FALSE: their
-- deliveries still waiting keep the assignment they were routed with. Nothing is written for channels with plain
-- routes only.
CREATE TABLE conversation_routes (
    conversation_id  VARCHAR(40)   NOT NULL,
    desk             VARCHAR(100)  NOT NULL,
    position         INT           NOT NULL,
    assignment       VARCHAR(2000) NOT NULL,
    route            VARCHAR(500)  NOT NULL,
    active           BOOLEAN       NOT NULL,
    created_at       TIMESTAMP WITH TIME ZONE NOT NULL,
    PRIMARY KEY (conversation_id, desk)
);

-- conversation_triage: customer messages stored since the conversation's last agent reply (desk reply), for rules
-- with the `unanswered` condition; automatic acknowledgements are not answers. Only kept while such a rule is
-- configured: counting starts when one is.
CREATE TABLE conversation_triage (
    conversation_id  VARCHAR(40) PRIMARY KEY,
    unanswered       INT         NOT NULL
);
