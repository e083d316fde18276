// A median in SQL: rank the values, average the one or two in the middle. (n+1)/2 and (n+2)/2
// are the same row when n is odd and the two middle rows when it is even (integer division).
// Standard SQL, the same in both dialects; it follows a WITH list that defines `values`.
export const medianSql = (values: string, partition: string) => `ranked AS (
    SELECT ${partition} AS grupo, v,
      ROW_NUMBER() OVER (PARTITION BY ${partition} ORDER BY v) AS rn,
      COUNT(*) OVER (PARTITION BY ${partition}) AS n
    FROM ${values})
  SELECT grupo, AVG(v) AS mediana FROM ranked WHERE rn IN ((n + 1) / 2, (n + 2) / 2) GROUP BY grupo`;
