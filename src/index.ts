export * from './mastodon/mastodon-version';
export * from './mastodon/sidekiq-queue';
