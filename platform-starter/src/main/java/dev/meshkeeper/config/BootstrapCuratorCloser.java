package dev.meshkeeper.config;

import org.apache.curator.framework.CuratorFramework;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.BeansException;
import org.springframework.beans.factory.config.BeanFactoryPostProcessor;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.beans.factory.support.DefaultSingletonBeanRegistry;

/**
 * Closes the Curator client that Spring Cloud Zookeeper's config loader opens during start-up
 * ({@code spring.config.import=zookeeper:}) and hands to the application context as the singleton
 * {@code configDataCuratorFramework}. It is registered without a destroy callback, so without this it stays
 * connected after the context is closed and keeps trying to reconnect. The close is registered first, so it runs
 * last: after every bean that may use that client has been destroyed.
 */
final class BootstrapCuratorCloser implements BeanFactoryPostProcessor {

    static final String BEAN_NAME = "configDataCuratorFramework";

    private static final Logger logger = LoggerFactory.getLogger(BootstrapCuratorCloser.class);

    @Override
    public void postProcessBeanFactory(ConfigurableListableBeanFactory beanFactory) throws BeansException {
        if (!beanFactory.containsSingleton(BEAN_NAME)
                || !(beanFactory.getSingleton(BEAN_NAME) instanceof CuratorFramework curator)
                || !(beanFactory instanceof DefaultSingletonBeanRegistry registry)) {
            return;
        }
        registry.registerDisposableBean(BEAN_NAME + ".closer", () -> {
            if (logger.isDebugEnabled()) {
                logger.debug("Closing the config loader's Curator client");
            }
            curator.close();
        });
    }
}
