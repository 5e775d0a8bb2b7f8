-- AlterTable
ALTER TABLE "RateLimitHit" ADD COLUMN     "submission" TEXT;

-- CreateTable
CREATE TABLE "RulesVersion" (
    "id" INTEGER NOT NULL DEFAULT 1,
    "version" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "RulesVersion_pkey" PRIMARY KEY ("id")
);

-- The rate-limit place, as in 20261203130000_rate_limit_reserve, with two more things, written by
-- hand as that one: a comment's submission judged twice (server.ts's lane, then the form's action)
-- keeps one place (given its id, the function answers the place it already holds, with the hits
-- before it, and adds none: "held"); and the rules' version comes back with the place, so a post meets the
-- locks and blocklist as they are, with no other round trip (lib/comments/moderation.ts).
DROP FUNCTION "reserveRateLimitHit"(TEXT, TIMESTAMP(3), INTEGER, INTEGER[], INTEGER[]);
CREATE FUNCTION "reserveRateLimitHit"(
    "hitKey" TEXT,
    "at" TIMESTAMP(3),
    "take" INTEGER,
    "limits" INTEGER[],
    "seconds" INTEGER[],
    "hitSubmission" TEXT
) RETURNS TABLE ("id" INTEGER, "earlier" TIMESTAMP(3)[], "rulesVersion" INTEGER, "held" BOOLEAN)
LANGUAGE plpgsql VOLATILE AS $$
DECLARE
    "found" TIMESTAMP(3)[];
    "held" INTEGER;
    "rules" INTEGER := coalesce((SELECT v."version" FROM "RulesVersion" v WHERE v."id" = 1), 0);
    "since" TIMESTAMP(3) := "at" - make_interval(secs => (SELECT max(s) FROM unnest("seconds") s));
BEGIN
    PERFORM pg_advisory_xact_lock(hashtext("hitKey"));
    IF "hitSubmission" IS NOT NULL THEN
        SELECT r."id" INTO "held" FROM "RateLimitHit" r
        WHERE r."key" = "hitKey" AND r."submission" = "hitSubmission" AND r."createdAt" > "since"
        ORDER BY r."id" LIMIT 1;
    END IF;
    SELECT coalesce(array_agg(h."createdAt" ORDER BY h."createdAt" DESC), '{}') INTO "found"
    FROM (
        SELECT r."createdAt" FROM "RateLimitHit" r
        WHERE r."key" = "hitKey" AND r."createdAt" > "since" AND ("held" IS NULL OR r."id" < "held")
        ORDER BY r."createdAt" DESC
        LIMIT "take"
    ) h;
    IF "held" IS NOT NULL THEN
        RETURN QUERY SELECT "held", "found", "rules", TRUE;
    ELSIF EXISTS (
        SELECT 1 FROM unnest("limits", "seconds") w("limit", "window")
        WHERE (SELECT count(*) FROM unnest("found") t WHERE t > "at" - make_interval(secs => w."window")) >= w."limit"
    ) THEN
        RETURN QUERY SELECT NULL::INTEGER, "found", "rules", FALSE;
    ELSE
        RETURN QUERY INSERT INTO "RateLimitHit" ("key", "createdAt", "submission")
            VALUES ("hitKey", "at", "hitSubmission") RETURNING "RateLimitHit"."id", "found", "rules", FALSE;
    END IF;
END
$$;
