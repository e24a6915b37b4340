# The receiver and the worker, one image: `node dist/src/receiver.js` (the default) or `node dist/src/worker.js`.
# The build runs the same commands as CI (npm ci, npm run build); the runtime stage keeps production
# dependencies only. The worker bundles workflows/ with webpack at start-up, so those packages stay.

FROM node:20.20.2-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY contract ./contract
COPY workflows ./workflows
COPY activities ./activities
RUN npm run build && npm prune --omit=dev

FROM node:20.20.2-bookworm-slim
ENV NODE_ENV=production
WORKDIR /app
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
USER node
EXPOSE 8000
CMD ["node", "dist/src/receiver.js"]
